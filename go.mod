module respd

go 1.26.8

require (
	github.com/redis/go-redis/v9 v9.17.3
	github.com/redis/rueidis v1.0.80
	github.com/tidwall/btree v1.8.2
	github.com/tidwall/redcon v1.6.4
	github.com/yuin/gopher-lua v1.1.2
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/tidwall/match v1.1.1 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
