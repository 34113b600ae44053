package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// LOLWUT: Redis 7.0's lolwut.c, lolwut5.c and lolwut6.c. Each Redis
// release draws its own computer art; 7.0 has none of its own and says
// its version. VERSION 5 draws Georg Nees's "Schotter" in braille, VERSION
// 6 a city skyline in terminal colours, both from random numbers as
// Redis's rand() does: the art differs from call to call, the text under
// it does not.

// cmdLolwut: LOLWUT [VERSION v] [art arguments...]. Like Redis, the
// version picks the art by its first digits; the arguments after it are
// the art's.
func cmdLolwut(c *Client, args [][]byte) {
	version := redisVersion
	if len(args) >= 3 && asciiEqualFold(args[1], "version") {
		v, ok := c.intArg(args[2])
		if !ok {
			return
		}
		// "%u.0.0" of the number cast to unsigned int.
		version = strconv.FormatUint(uint64(uint32(v)), 10) + ".0.0"
		args = args[2:]
	}
	params := args[1:]
	switch {
	case strings.HasPrefix(version, "5.") && !strings.HasPrefix(version, "5.9"), strings.HasPrefix(version, "4.9"):
		lolwut5(c, params)
	case strings.HasPrefix(version, "6.") && !strings.HasPrefix(version, "6.9"), strings.HasPrefix(version, "5.9"):
		lolwut6(c, params)
	default:
		c.Verbatim("Redis ver. " + redisVersion + "\n")
	}
}

// lolwutArgs parses the art's optional integer arguments into dst (which
// holds their defaults), each clamped to [1, max]; false once one is not
// an integer, answered.
func lolwutArgs(c *Client, params [][]byte, dst []*int, limit int) bool {
	for i, p := range params[:min(len(params), len(dst))] {
		n, ok := c.intArg(p)
		if !ok {
			return false
		}
		*dst[i] = int(max(1, min(n, int64(limit))))
	}
	return true
}

// lolwut5: [columns] [squares per row] [squares per column], by default
// 66, 8 and 12, at most 1000, 200 and 200.
func lolwut5(c *Client, params [][]byte) {
	cols, perRow, perCol := 66, 8, 12
	if !lolwutArgs(c, params, []*int{&cols}, 1000) || !lolwutArgs(c, params[min(len(params), 1):], []*int{&perRow, &perCol}, 200) {
		return
	}
	canvas := drawSchotter(cols, perRow, perCol)
	c.Verbatim(canvas.braille() + "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + redisVersion + "\n")
}

// lolwut6: [columns] [rows], by default 80 and 20, at most 1000 each.
func lolwut6(c *Client, params [][]byte) {
	cols, rows := 80, 20
	if !lolwutArgs(c, params, []*int{&cols, &rows}, 1000) {
		return
	}
	canvas := newCanvas(cols, rows, 3)
	canvas.skyline()
	c.Verbatim(canvas.colours() + "\nDedicated to the 8 bit game developers of past and present.\n" +
		"Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + redisVersion + "\n")
}

// cRand is C's rand(): 0 to RAND_MAX (2^31-1).
func cRand() int { return int(rand.Int32()) }

// canvas is lolwut.c's lwCanvas: pixels of a colour each, 0 to 3.
type canvas struct {
	width, height int
	pixels        []byte
}

func newCanvas(width, height int, bg byte) *canvas {
	cv := &canvas{width: width, height: height, pixels: make([]byte, width*height)}
	for i := range cv.pixels {
		cv.pixels[i] = bg
	}
	return cv
}

// set colours a pixel; one out of the canvas is no error.
func (cv *canvas) set(x, y int, color byte) {
	if x >= 0 && x < cv.width && y >= 0 && y < cv.height {
		cv.pixels[x+y*cv.width] = color
	}
}

// get is a pixel's colour, 0 out of the canvas.
func (cv *canvas) get(x, y int) byte {
	if x >= 0 && x < cv.width && y >= 0 && y < cv.height {
		return cv.pixels[x+y*cv.width]
	}
	return 0
}

// line draws from x1,y1 to x2,y2 with Bresenham's algorithm.
func (cv *canvas) line(x1, y1, x2, y2 int, color byte) {
	dx, dy := abs(x2-x1), abs(y2-y1)
	sx, sy := -1, -1
	if x1 < x2 {
		sx = 1
	}
	if y1 < y2 {
		sy = 1
	}
	err := dx - dy
	for {
		cv.set(x1, y1, color)
		if x1 == x2 && y1 == y2 {
			return
		}
		e2 := err * 2
		if e2 > -dy {
			err -= dy
			x1 += sx
		}
		if e2 < dx {
			err += dx
			y1 += sy
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// square draws a square centred at x,y of side size, turned by angle: its
// corners on the circle around it, from 45 degrees plus the angle, in
// lwDrawSquare's single-precision arithmetic.
func (cv *canvas) square(x, y int, size, angle float32, color byte) {
	size = float32(math.Round(float64(float32(float64(size) / 1.4142135623))))
	var px, py [4]int
	k := float32(math.Pi/4 + float64(angle))
	for j := range 4 {
		px[j] = int(math.Round(math.Sin(float64(k))*float64(size) + float64(x)))
		py[j] = int(math.Round(math.Cos(float64(k))*float64(size) + float64(y)))
		k = float32(float64(k) + math.Pi/2)
	}
	for j := range 4 {
		cv.line(px[j], py[j], px[(j+1)%4], py[(j+1)%4], color)
	}
}

// drawSchotter is lwDrawSchotter: rows of squares, turned and moved more
// at random the lower they are, on a canvas two pixels per column wide.
func drawSchotter(cols, perRow, perCol int) *canvas {
	width := cols * 2
	padding := 0
	if width > 4 {
		padding = 2
	}
	side := float32(width-padding*2) / float32(perRow)
	cv := newCanvas(width, int(side*float32(perCol)+float32(padding*2)), 0)
	for y := range perCol {
		for x := range perRow {
			sx := int(float32(x)*side + side/2 + float32(padding))
			sy := int(float32(y)*side + side/2 + float32(padding))
			var angle float32
			if y > 1 {
				r := func() float32 { return float32(cRand()) / float32(math.MaxInt32) / float32(perCol) * float32(y) }
				r1, r2, r3 := r(), r(), r()
				if cRand()%2 != 0 {
					r1 = -r1
				}
				if cRand()%2 != 0 {
					r2 = -r2
				}
				if cRand()%2 != 0 {
					r3 = -r3
				}
				angle = r1
				sx = int(float32(sx) + r2*side/3)
				sy = int(float32(sy) + r3*side/3)
			}
			cv.square(sx, sy, side, angle, 1)
		}
	}
	return cv
}

// braille renders the canvas as lolwut5's renderCanvas: a braille
// character per 2x4 pixels, its dots numbered down the left column, then
// the right one, the bottom row last.
func (cv *canvas) braille() string {
	var b strings.Builder
	for y := 0; y < cv.height; y += 4 {
		for x := 0; x < cv.width; x += 2 {
			var dots rune
			for bit, p := range [8][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {0, 3}, {1, 3}} {
				if cv.get(x+p[0], y+p[1]) != 0 {
					dots |= 1 << bit
				}
			}
			b.WriteRune(0x2800 + dots)
		}
		if y != cv.height-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// colours renders the canvas as lolwut6's renderCanvas: a space per
// pixel, in the terminal's black, two greys or white, foreground and
// background.
func (cv *canvas) colours() string {
	escapes := [4]string{"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"}
	var b strings.Builder
	for y := range cv.height {
		for x := range cv.width {
			b.WriteString("\033[" + escapes[cv.get(x, y)] + " \033[0m")
		}
		if y != cv.height-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// skyscraper is one building of the skyline.
type skyscraper struct {
	xoff, width, height int
	windows             bool
	color               byte
}

// building draws one from the canvas's bottom, its roof two pixels
// narrower each side; windows, two pixels wide and one high, lit in the
// greys the building isn't.
func (cv *canvas) building(s skyscraper) {
	starty := cv.height - 1
	endy := starty - s.height + 1
	for y := starty; y >= endy; y-- {
		for x := s.xoff; x < s.xoff+s.width; x++ {
			if y == endy && (x <= s.xoff+1 || x >= s.xoff+s.width-2) {
				continue
			}
			color := s.color
			if s.windows && x > s.xoff+1 && x < s.xoff+s.width-2 && y > endy+1 && y < starty-1 {
				relx, rely := x-(s.xoff+1), y-(endy+1)
				if relx/2%2 != 0 && rely%2 != 0 {
					for {
						color = byte(1 + cRand()%2)
						if color != s.color {
							break
						}
					}
					// The window's second pixel is its first's colour.
					if relx%2 != 0 {
						color = cv.get(x-1, y)
					}
				}
			}
			cv.set(x, y, color)
		}
	}
}

// skyline is generateSkyline: two rows of plain buildings behind, the
// lighter further back, then one of black buildings with windows.
func (cv *canvas) skyline() {
	for color := byte(2); color >= 1; color-- {
		for offset := -10; offset < cv.width; {
			offset += cRand() % 8
			s := skyscraper{xoff: offset, width: 10 + cRand()%9, color: color}
			if color == 2 {
				s.height = cv.height/2 + cRand()%cv.height/2
			} else {
				s.height = cv.height/2 + cRand()%cv.height/3
			}
			cv.building(s)
			if color == 2 {
				offset += s.width / 2
			} else {
				offset += s.width + 1
			}
		}
	}
	for offset := -10; offset < cv.width; {
		offset += cRand() % 8
		s := skyscraper{xoff: offset, width: 5 + cRand()%14, windows: true}
		if s.width%4 != 0 {
			s.width += s.width % 3
		}
		s.height = cv.height/3 + cRand()%cv.height/2
		cv.building(s)
		offset += s.width + 5
	}
}
