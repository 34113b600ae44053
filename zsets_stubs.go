package main

func cmdZpopmin(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZpopmax(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZmpop(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZrandmember(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZunion(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZinter(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZdiff(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZunionstore(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZinterstore(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZdiffstore(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZintercard(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdZscan(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdBzpopmin(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdBzpopmax(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdBzmpop(c *Client, args [][]byte) { c.Error("ERR not yet") }
