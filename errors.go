package main

import "respd/internal/acl"

// Every error text a client can see, byte for byte as Redis 7 sends it
// (without the leading '-'). Client libraries match on these.
const (
	errSyntax             = "ERR syntax error"
	errNotInteger         = "ERR value is not an integer or out of range"
	errNotFloat           = "ERR value is not a valid float"
	errOverflow           = "ERR increment or decrement would overflow"
	errHashNotInteger     = "ERR hash value is not an integer"
	errHashNotFloat       = "ERR hash value is not a float"
	errNaNOrInfinity      = "ERR value is NaN or Infinity"
	errValueOutOfRange    = "ERR value is out of range"
	errOutOfRangeLong     = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	errIncrFloatNaN       = "ERR increment would produce NaN or Infinity"
	errWrongType          = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errNoSuchKey          = "ERR no such key"
	errIndexOutOfRange    = "ERR index out of range"
	errMustBePositive     = "ERR value is out of range, must be positive"
	errNumkeysPositive    = "ERR numkeys should be greater than 0"
	errNumkeysTooMany     = "ERR Number of keys can't be greater than number of args"
	errLimitNegative      = "ERR LIMIT can't be negative"
	errSortScores         = "ERR One or more scores can't be converted into double"
	errCountPositive      = "ERR count should be greater than 0"
	errZaddIncrPairs      = "ERR INCR option supports a single increment-element pair"
	errZaddNXXX           = "ERR XX and NX options at the same time are not compatible"
	errZaddGTLTNX         = "ERR GT, LT, and/or NX options at the same time are not compatible"
	errZsetNaN            = "ERR resulting score is not a number (NaN)"
	errZsetScoreRange     = "ERR min or max is not a float"
	errZsetNoKeys         = "ERR at least 1 input key is needed for '%s' command"
	errWeightNotFloat     = "ERR weight value is not a float"
	errZsetLexRange       = "ERR min or max not valid string range item"
	errZrangeLimit        = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errZrangeLexScores    = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	errLposRankZero       = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errLposCountNegative  = "ERR COUNT can't be negative"
	errLposMaxlenNegative = "ERR MAXLEN can't be negative"
	errDBIndex            = "ERR DB index is out of range"
	errInvalidExpire      = "ERR invalid expire time in '%s' command"
	errStringTooLong      = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	errOffsetRange        = "ERR offset is out of range"
	errSameObject         = "ERR source and destination objects are the same"
	errNestedMulti        = "ERR MULTI calls can not be nested"
	errExecNoMulti        = "ERR EXEC without MULTI"
	errDiscardNoMulti     = "ERR DISCARD without MULTI"
	errWatchInMulti       = "ERR WATCH inside MULTI is not allowed"
	errExecAbort          = "EXECABORT Transaction discarded because of previous errors."
	errExecAbortBecause   = "EXECABORT Transaction discarded because of: %s"
	errNoAuth             = "NOAUTH Authentication required."
	errWrongPass          = "WRONGPASS invalid username-password pair or user is disabled."
	errAuthNotConfigured  = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
	errNoProto            = "NOPROTO unsupported protocol version"
	errReadonly           = "READONLY You can't write against a read only replica."
	errMasterDown         = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
	errNoGoodReplicas     = "NOREPLICAS Not enough good replicas to write."
	errLoading            = "LOADING Redis is loading the dataset in memory"
	errTimeoutNegative    = "ERR timeout is negative"
	errTimeoutNotFloat    = "ERR timeout is not a float or out of range"
	errTimeoutNotInteger  = "ERR timeout is not an integer or out of range"
	errInvalidClientName  = "ERR Client names cannot contain spaces, newlines or special characters."
	errNoSuchClient       = "ERR No such client"
	errNoSuchUser         = "ERR No such user '%s'"
	errExpireOptions      = "ERR NX and XX, GT or LT options at the same time are not compatible"
	errGTLTNX             = "ERR GT and LT options at the same time are not compatible"
	errUnknownCommand     = "ERR unknown command '%.128s', with args beginning with: %s"
	errUnknownSubcommand  = "ERR unknown subcommand '%.128s'. Try %s HELP."
	// errSubcommandArity is addReplySubcommandSyntaxError's text.
	errSubcommandArity = "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP."
	// errPubsubContext refuses a command to a RESP2 client in subscribed
	// mode (pubsub.go).
	errPubsubContext  = "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
	errWrongArity     = "ERR wrong number of arguments for '%s' command"
	errCommandInMulti = "ERR Command not allowed inside a transaction"
	errPanic          = "ERR internal error while executing '%s'; the server logged the details"

	// MONITOR (monitor.go): inside EXEC; a monitor using keys.
	errMonitorDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client"
	errReplicaKeyspace     = "ERR Replica can't interact with the keyspace"

	// Client-side caching (tracking.go).
	errTrackingRedirectTwice          = "ERR A client can only redirect to a single other client"
	errTrackingNoRedirectClient       = "ERR The client ID you want redirect to does not exist"
	errTrackingPrefixNeedsBcast       = "ERR PREFIX option requires BCAST mode to be enabled"
	errTrackingSwitchBcast            = "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
	errTrackingBcastOptinOptout       = "ERR OPTIN and OPTOUT are not compatible with BCAST"
	errTrackingOptinAndOptout         = "ERR You can't specify both OPTIN mode and OPTOUT mode"
	errTrackingSwitchOptinOptout      = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
	errTrackingPrefixOverlapsExisting = "ERR Prefix '%s' overlaps with an existing prefix '%s'. Prefixes for a single client must not overlap."
	errTrackingPrefixOverlapsGiven    = "ERR Prefix '%s' overlaps with another provided prefix '%s'. Prefixes for a single client must not overlap."
	errCachingNotTracking             = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
	errCachingYesNeedsOptin           = "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
	errCachingNoNeedsOptout           = "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."

	// persistence (persistence.go, aof.go)
	errBgsaveInProgress     = "ERR Background save already in progress"
	errBgsaveOtherChild     = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	errMisconf              = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
	errMisconfAOF           = "MISCONF Errors writing to the AOF file: "
	errSaveFailed           = "ERR" // Redis's shared.err: SAVE failed, the log says why
	errAOFRewriteInProgress = "ERR Background append only file rewriting already in progress"
	errAOFRewriteFailed     = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information."

	// DUMP and RESTORE (persistence.go)
	errRestoreIdletime     = "ERR Invalid IDLETIME value, must be >= 0"
	errRestoreFreq         = "ERR Invalid FREQ value, must be >= 0 and <= 255"
	errRestoreTTL          = "ERR Invalid TTL value, must be >= 0"
	errBusyKey             = "BUSYKEY Target key name already exists."
	errDumpPayload         = "ERR DUMP payload version or checksum are wrong"
	errDumpUnsupportedType = "ERR DUMP payload holds a %s value, which respd cannot restore yet"
	errBadDataFormat       = "ERR Bad data format"

	// SHUTDOWN (admin.go) and DEBUG (debug.go)
	errNoShutdownInProgress   = "ERR No shutdown in progress."
	errShutdownFailed         = "ERR Errors trying to SHUTDOWN. Check logs."
	errDebugNotAllowed        = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`
	errDebugReloadSave        = "ERR Error trying to save the DB: %s"
	errDebugReloadLoad        = "ERR Error trying to load the RDB dump: %s"
	errDebugUnknownSubcommand = "ERR unknown subcommand or wrong number of arguments for '%s'. Try DEBUG HELP."
	errDebugLoadAOF           = "ERR Error trying to load the AOF files, check server logs."
	errDebugNotListpack       = "ERR Not a listpack encoded object."
	errDebugNotQuicklist      = "ERR Not a quicklist encoded object."
	errDebugPackedThreshold   = "ERR argument must be a memory value bigger than 1 and smaller than 4gb"
	errDebugPushRESP2         = "ERR RESP2 is not supported by this command"
	errDebugProtocolType      = "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"
	errDebugOutOfRangeDB      = "ERR Out of range database"
	errDebugNotHashTable      = "ERR The value stored at the specified key is not represented using an hash table"

	// SLOWLOG and LATENCY (slowlog.go, latency.go)
	errSlowlogCount     = "ERR count should be greater than or equal to -1"
	errLatencyNoSamples = "ERR No samples available for event '%s'"

	// HELLO and CLIENT (connection.go)
	errHelloProtoNotInteger = "ERR Protocol version is not an integer or out of range"
	errHelloOption          = "ERR Syntax error in HELLO option '%s'"
	errHelloNoAuth          = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
	errClientSetinfoOption  = "ERR Unrecognized option '%s'"
	errClientSetinfoValue   = "ERR %s cannot contain spaces, newlines or special characters."
	errUnknownClientType    = "ERR Unknown client type '%s'"
	errInvalidClientID      = "ERR Invalid client ID"
	errClientIDNotPositive  = "ERR client-id should be greater than 0"
	errClientPauseMode      = "ERR CLIENT PAUSE mode must be WRITE or ALL"

	// COMMAND GETKEYS (introspection.go)
	errGetkeysInvalidCommand = "ERR Invalid command specified"
	errGetkeysWrongArity     = "ERR Invalid number of arguments specified for command"
	errGetkeysNoKeys         = "ERR The command has no key arguments"
	errGetkeysInvalidArgs    = "ERR Invalid arguments specified for command"

	// replication (replication_master.go, replication_replica.go)
	errReplicaofFromReplica = "ERR Command is not valid when client is a replica."
	errInvalidMasterPort    = "ERR Invalid master port"
	errUnblockedRoleChange  = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"
	errUnblocked            = "UNBLOCKED client unblocked via CLIENT UNBLOCK"
	errUnblockReason        = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
	errReplconfOption       = "ERR Unrecognized REPLCONF option: %s"
	errNoMasterLink         = "NOMASTERLINK Can't SYNC while not connected with my master"
	errWaitOnReplica        = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."

	// FAILOVER (failover.go) and its PSYNC
	errFailoverNotInProgress = "ERR No failover in progress."
	errFailoverTimeout       = "ERR FAILOVER timeout must be greater than 0"
	errFailoverInProgress    = "ERR FAILOVER already in progress."
	errFailoverOnReplica     = "ERR FAILOVER is not valid when server is a replica."
	errFailoverNoReplicas    = "ERR FAILOVER requires connected replicas."
	errFailoverForce         = "ERR FAILOVER with force option requires both a timeout and target HOST and IP."
	errFailoverNotReplica    = "ERR FAILOVER target HOST and PORT is not a replica."
	errFailoverNotOnline     = "ERR FAILOVER target replica is not online."
	errReplicaofFailingOver  = "ERR REPLICAOF not allowed while failing over."
	errPsyncFailoverMaster   = "ERR PSYNC FAILOVER can't be sent to a master."
	errPsyncFailoverReplid   = "ERR PSYNC FAILOVER replid must match my replid."
	errSyncFailingOver       = "NOMASTERLINK Can't SYNC while failing over"

	// MIGRATE (migrate.go)
	errMigrateKeysArg = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"
	errMigrateConnect = "IOERR error or timeout connecting to the client"
	errMigrateWriting = "IOERR error or timeout writing to target instance"
	errMigrateReading = "IOERR error or timeout reading to target instance"
	errMigrateTarget  = "ERR Target instance replied with error: %s"

	// keys family (keys.go)
	errInvalidCursor     = "ERR invalid cursor"
	errUnsupportedOption = "ERR Unsupported option %s"
	errValueRange        = "ERR value is out of range, value must between %d and %d"
	errSwapdbFirstIndex  = "ERR invalid first DB index"
	errSwapdbSecondIndex = "ERR invalid second DB index"
	errLFUNotSelected    = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
	errLFUSelected       = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

	// strings family (strings.go)
	errDecrOverflow = "ERR decrement would overflow"
	errLcsWrongType = "ERR The specified keys must contain string values"
	errLcsIdxAndLen = "ERR If you want both the length and indexes, please just use IDX."
	errLcsTooBig    = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"

	// CONFIG (config_cmds.go); the reasons a value is refused are with the
	// parameter types in config.go.
	errConfigSetUnknown = "ERR Unknown option or number of arguments for CONFIG SET - '%s'"
	errConfigSetFailed  = "ERR CONFIG SET failed (possibly related to argument '%s') - %s"
	errNoConfigFile     = "ERR The server is running without a config file"
	errConfigRewrite    = "ERR Rewriting config file: %s"

	// The reasons errConfigSetFailed gives for a parameter CONFIG SET may
	// not change, and for a value the server can't apply (configAppliers).
	errConfigImmutable   = "can't set immutable config"
	errConfigProtected   = "can't set protected config"
	errConfigDuplicate   = "duplicate parameter"
	errMaxclientsTooMany = "The operating system is not able to handle the specified number of clients, try with %d"
	errAOFTurnOnFailed   = "Unable to turn on AOF. Check server logs."

	// GEO commands (geo.go)
	errGeoPair           = "ERR invalid longitude,latitude pair %s,%s"
	errGeoUnit           = "ERR unsupported unit provided. please use M, KM, FT, MI"
	errGeoRadius         = "ERR need numeric radius"
	errGeoRadiusNegative = "ERR radius cannot be negative"
	errGeoWidth          = "ERR need numeric width"
	errGeoHeight         = "ERR need numeric height"
	errGeoBoxNegative    = "ERR height or width cannot be negative"
	errGeoMember         = "ERR could not decode requested zset member"
	errGeoCount          = "ERR COUNT must be > 0"
	errGeoStoreWith      = "ERR %s is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
	errGeoFrom           = "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for %s"
	errGeoBy             = "ERR exactly one of BYRADIUS and BYBOX can be specified for %s"
	errGeoAnyCount       = "ERR the ANY argument requires COUNT argument"
)

// Written, as whole RESP lines, to a connection turned away before it is
// read: past maxclients, and from another host in protected mode.
const (
	errMaxClients = "-ERR max number of clients reached\r\n"
	errDenied     = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

	// Streams (streams.go).
	errStreamID                        = "ERR Invalid stream ID specified as stream command argument"
	errStreamStartInterval             = "ERR invalid start ID for the interval"
	errStreamEndInterval               = "ERR invalid end ID for the interval"
	errStreamTrimBoth                  = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
	errStreamMaxlenNegative            = "ERR The MAXLEN argument must be >= 0."
	errStreamLimitNegative             = "ERR The LIMIT argument must be >= 0."
	errStreamLimitNoTrim               = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
	errStreamXtrimNoStrategy           = "ERR syntax error, XTRIM must be called with a trimming strategy"
	errStreamLimitNoApprox             = "ERR syntax error, LIMIT cannot be used without the special ~ option"
	errStreamXaddZero                  = "ERR The ID specified in XADD must be greater than 0-0"
	errStreamExhausted                 = "ERR The stream has exhausted the last possible ID, unable to add more items"
	errStreamTooLarge                  = "ERR Elements are too large to be stored"
	errStreamIDTooSmall                = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	errStreamEntriesAddedNegative      = "ERR entries_added must be positive"
	errStreamSetidBelowGivenMaxDeleted = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
	errStreamSetidBelowTop             = "ERR The ID specified in XSETID is smaller than the target stream top item"
	errStreamSetidEntriesAdded         = "ERR The entries_added specified in XSETID is smaller than the target stream length"
	errStreamUnbalanced                = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
	errStreamGroupInXread              = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
	errStreamNoackInXread              = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
	errStreamMissingGroup              = "ERR Missing GROUP option for XREADGROUP"
	errStreamNoGroupRead               = "NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option"
	errStreamDollarInGroup             = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
	errStreamGreaterInXread            = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
	errStreamGroupGone                 = "NOGROUP the consumer group this client was blocked on no longer exists"
	errStreamKeyGone                   = "UNBLOCKED the stream key no longer exists"
	errStreamXgroupNoKey               = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
	errStreamNoGroup                   = "NOGROUP No such consumer group '%s' for key name '%s'"
	errStreamEntriesRead               = "ERR value for ENTRIESREAD must be positive or -1"
	errStreamBusyGroup                 = "BUSYGROUP Consumer Group name already exists"
	errStreamNoGroupPending            = "NOGROUP No such key '%s' or consumer group '%s'"
	errXclaimMinIdle                   = "ERR Invalid min-idle-time argument for XCLAIM"
	errXclaimIdle                      = "ERR Invalid IDLE option argument for XCLAIM"
	errXclaimTime                      = "ERR Invalid TIME option argument for XCLAIM"
	errXclaimRetryCount                = "ERR Invalid RETRYCOUNT option argument for XCLAIM"
	errXclaimOption                    = "ERR Unrecognized XCLAIM option '%s'"
	errXautoclaimMinIdle               = "ERR Invalid min-idle-time argument for XAUTOCLAIM"
	errXautoclaimCount                 = "ERR COUNT must be > 0"
)

// ACL (acl.go).
const (
	errNoPermCommand           = "NOPERM this user has no permissions to run the '%s' command"
	errNoPermKey               = "NOPERM this user has no permissions to access one of the keys used as arguments"
	errNoPermChannel           = "NOPERM this user has no permissions to access one of the channels used as arguments"
	errNoPermInExec            = "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: %s"
	errACLUsernameSpaces       = "ERR Usernames can't contain spaces or null characters"
	errACLUnmatchedParenthesis = "ERR Unmatched parenthesis in acl selector starting at '%s'."
	errACLSetuserModifier      = "ERR Error in ACL SETUSER modifier '%s': %s"
	errACLDeleteDefault        = "ERR The 'default' user cannot be removed"
	errACLNoFile               = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."
	errACLSaveFailed           = "ERR There was an error trying to save the ACLs. Please check the server logs for more information"
	errACLUnknownCategory      = "ERR Unknown category '%.128s'"
	errACLGenpassBits          = "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096"
	errACLDryrunNoUser         = "ERR User '%s' not found"
	errACLDryrunNoCommand      = "ERR Command '%s' not found"
	errSortByDenied            = "ERR BY option of SORT denied due to insufficient ACL permissions."
	errSortGetDenied           = "ERR GET option of SORT denied due to insufficient ACL permissions."
	errUserDeclaration         = "Error in user declaration '%s': %s"
	errUsersAndACLFile         = "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both."
)

// aclRuleErrors words why a rule was refused, as Redis's
// ACLSetUserStringError.
var aclRuleErrors = map[acl.RuleError]string{
	acl.ErrSyntax:               "Syntax error",
	acl.ErrUnknownCommand:       "Unknown command or category name in ACL",
	acl.ErrKeyAfterAll:          "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
	acl.ErrChannelAfterAll:      "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
	acl.ErrNoSuchPassword:       "The password you are trying to remove from the user does not exist",
	acl.ErrBadHash:              "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
	acl.ErrFirstArgOfSubcommand: "Allowing first-arg of a subcommand is not supported",
}

// aclExecReasons words, for EXEC, why a queued command is now denied.
var aclExecReasons = map[acl.Denial]string{
	acl.DeniedCommand: "no permission to execute the command or subcommand",
	acl.DeniedKey:     "no permission to touch the specified keys",
	acl.DeniedChannel: "no permission to access one of the channels used as arguments",
}

// Scripting (scripting.go). The errors of redis.call and the redis
// library have no code: the script's error table gets ERR.
const (
	errScriptShebangEngine     = "ERR Unexpected engine in script shebang: %s"
	errScriptShebangOption     = "ERR Unknown lua shebang option: %s"
	errScriptShebangInvalid    = "ERR Invalid script shebang"
	errScriptWriteFlagInRO     = "ERR Can not execute a script with write flag using *_ro command."
	errScriptShebangFlag       = "ERR Unexpected flag in script shebang: %s"
	errScriptCompile           = "ERR Error compiling script (new function): %s"
	errScriptTooManyKeys       = "ERR Number of keys can't be greater than number of args"
	errScriptNegativeKeys      = "ERR Number of keys can't be negative"
	errNoScript                = "NOSCRIPT No matching script. Please use EVAL."
	errScriptFlushOption       = "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
	errNotBusy                 = "NOTBUSY No scripts in execution right now."
	errScriptNoArgs            = "Please specify at least one argument for this redis lib call"
	errScriptArgType           = "Lua redis lib command arguments must be strings or integers"
	errScriptUnknownCommand    = "Unknown Redis command called from script"
	errScriptWrongArgs         = "Wrong number of args calling Redis command from script"
	errScriptCommandNotAllowed = "This Redis command is not allowed from script"
	errScriptWriteInReadOnly   = "Write commands are not allowed from read-only scripts."
	errScriptReplyArgs         = "wrong number or type of arguments"
	errScriptSha1hexArgs       = "wrong number of arguments"
	errScriptLogArgs           = "redis.log() requires two arguments or more."
	errScriptLogLevel          = "Invalid debug level."
	errScriptSetrespArgs       = "redis.setresp() requires one argument."
	errScriptSetrespProto      = "RESP version must be 2 or 3."
	errScriptSetReplArgs       = "redis.set_repl() requires two arguments."
	errXreadBlockInScript      = "ERR %s command is not allowed with BLOCK option from scripts"
	errScriptACLCheckCommand   = "Invalid command passed to redis.acl_check_cmd()"
	errScriptACLCheckArgs      = "Wrong number of args calling Redis command from script"
	errScriptSetReplFlags      = "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."

	// A script past busy-reply-threshold: what other clients are told,
	// for an EVAL's script and for a function.
	errBusyScript   = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	errBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	errUnkillable   = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	// errScriptKilled is raised in the killed script, for a function too.
	errScriptKilled = "Script killed by user with SCRIPT KILL..."
	// errFunctionLoadTimeout stops a library's code running past 500 ms.
	errFunctionLoadTimeout = "FUNCTION LOAD timeout"
)

// maxmemory (maxmemory.go).
const errOOM = "OOM command not allowed when used memory > 'maxmemory'."

// Bitmaps (bitmaps.go).
const (
	errBitOffset        = "ERR bit offset is not an integer or out of range"
	errBitValue         = "ERR bit is not an integer or out of range"
	errBitposBit        = "ERR The bit argument must be 1 or 0."
	errBitopNot         = "ERR BITOP NOT must be called with a single source key."
	errBitfieldType     = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	errBitfieldOverflow = "ERR Invalid OVERFLOW type specified"
	errBitfieldRO       = "ERR BITFIELD_RO only supports the GET subcommand"
)

// TLS (tls.go): why CONFIG SET of a tls-* parameter failed.
const (
	errTLSUpdate = "Unable to update TLS configuration. Check server logs."
	errTLSListen = "Unable to listen on this port. Check server logs."
)

// HyperLogLog (hyperloglog.go).
const (
	errNotHLL           = "WRONGTYPE Key is not a valid HyperLogLog string value."
	errCorruptHLL       = "INVALIDOBJ Corrupted HLL object detected"
	errPfdebugNoKey     = "ERR The specified key does not exist"
	errPfdebugArity     = "ERR Wrong number of arguments for the '%s' subcommand"
	errPfdebugNotSparse = "ERR HLL encoding is not sparse"
	errPfdebugUnknown   = "ERR Unknown PFDEBUG subcommand '%s'"
)

// Functions (functions.go). register_function's errors have no code: the
// error table gets ERR.
const (
	functionNameRule           = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
	errLibraryName             = "ERR " + functionNameRule
	errLibraryExists           = "ERR Library '%s' already exists"
	errFunctionCompile         = "ERR Error compiling function: %s"
	errRegisteringFunctions    = "ERR Error registering functions: "
	errNoFunctions             = "ERR No functions registered"
	errFunctionExists          = "ERR Function %s already exists"
	errMissingLibraryMetadata  = "ERR Missing library metadata"
	errInvalidLibraryMetadata  = "ERR Invalid library metadata"
	errEngineNotFound          = "ERR Engine '%s' not found"
	errInvalidMetadataValue    = "ERR Invalid metadata value given: %s"
	errMetadataNameTwice       = "ERR Invalid metadata value, name argument was given multiple times"
	errLibraryNameMissing      = "ERR Library name was not given"
	errRegisterSingleArg       = "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
	errRegisterFlagsTable      = "flags argument to redis.register_function must be a table representing function flags"
	errRegisterUnknownFlag     = "unknown flag given"
	errRegisterUnknownArgument = "unknown argument given to redis.register_function"
	errRegisterNoName          = "redis.register_function must get a function name argument"
	errRegisterNoCallback      = "redis.register_function must get a callback argument"
	errRegisterNotAFunction    = "second argument to redis.register_function must be a function"
	errRegisterArgs            = "wrong number of arguments to redis.register_function"
	errFunctionInLibrary       = "Function already exists in the library"
	errFunctionLoadOption      = "ERR Unknown option given: %s"
	errLibraryNotFound         = "ERR Library not found"
	errFunctionFlushOption     = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
	errFunctionListNoName      = "ERR library name argument was not given"
	errFunctionListArgument    = "ERR Unknown argument %s"
	errFunctionNotFound        = "ERR Function not found"
	errFunctionBadKeys         = "ERR Bad number of keys provided"
	errFunctionRestorePolicy   = "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."
	errLibraryExistsRestore    = "ERR Library %s already exists"
)
