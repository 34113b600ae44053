package main

func cmdGeoadd(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeopos(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeodist(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeohash(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeosearch(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeosearchstore(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeoradius(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeoradiusRo(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeoradiusbymember(c *Client, args [][]byte) { c.Error("ERR not yet") }
func cmdGeoradiusbymemberRo(c *Client, args [][]byte) { c.Error("ERR not yet") }
