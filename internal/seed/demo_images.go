package seed

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// demoTones are the demo products' colours, one per product.
var demoTones = []color.RGBA{
	{0x25, 0x63, 0xeb, 0xff}, // blue
	{0x0d, 0x94, 0x88, 0xff}, // teal
	{0x7c, 0x3a, 0xed, 0xff}, // violet
	{0xea, 0x58, 0x0c, 0xff}, // orange
	{0x16, 0xa3, 0x4a, 0xff}, // green
	{0xdb, 0x27, 0x77, 0xff}, // pink
	{0x47, 0x55, 0x69, 0xff}, // slate
	{0xca, 0x8a, 0x04, 0xff}, // amber
}

func toneOf(i int) color.RGBA { return demoTones[(i%len(demoTones)+len(demoTones))%len(demoTones)] }

// mix blends c towards white by t (0: c, 1: white).
func mix(c color.RGBA, t float64) color.RGBA {
	f := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*t) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), 0xff}
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// productTile is a 256×256 logo: a rounded tile with a diagonal gradient of the tone and a
// white emblem whose shape depends on the product.
func productTile(i int) []byte {
	const n, radius = 256, 48
	tone := toneOf(i)
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !inRounded(x, y, n, n, radius) {
				continue // transparent corners
			}
			img.SetRGBA(x, y, mix(tone, 0.35*float64(x+y)/float64(2*n)))
		}
	}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	switch i % 4 {
	case 0: // three bars
		for k := 0; k < 3; k++ {
			fill(img, image.Rect(72+k*42, 150-k*30, 102+k*42, 184), white)
		}
	case 1: // a ring
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				d := (x-128)*(x-128) + (y-128)*(y-128)
				if d <= 60*60 && d >= 36*36 {
					img.SetRGBA(x, y, white)
				}
			}
		}
	case 2: // a shield-like block with a notch
		fill(img, image.Rect(84, 70, 172, 150), white)
		fill(img, image.Rect(104, 150, 152, 186), white)
		fill(img, image.Rect(116, 96, 140, 124), mix(tone, 0.1))
	default: // a grid of four squares
		for k := 0; k < 4; k++ {
			x, y := 78+(k%2)*56, 78+(k/2)*56
			fill(img, image.Rect(x, y, x+44, y+44), white)
		}
	}
	return encodePNG(img)
}

func inRounded(x, y, w, h, r int) bool {
	cx, cy := x, y
	switch {
	case x < r:
		cx = r
	case x >= w-r:
		cx = w - r - 1
	}
	switch {
	case y < r:
		cy = r
	case y >= h-r:
		cy = h - r - 1
	}
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// productScreen is a 1280×720 screenshot of the product's console: a coloured top bar, a
// side menu, figure cards and a bar chart.
func productScreen(i int) []byte {
	const w, h = 1280, 720
	tone := toneOf(i)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{0xf8, 0xfa, 0xfc, 0xff})
	fill(img, image.Rect(0, 0, w, 64), tone)
	fill(img, image.Rect(0, 64, 220, h), color.RGBA{0xff, 0xff, 0xff, 0xff})
	for k := 0; k < 7; k++ {
		c := color.RGBA{0xe2, 0xe8, 0xf0, 0xff}
		if k == 1 {
			c = mix(tone, 0.7)
		}
		fill(img, image.Rect(24, 96+k*44, 196, 116+k*44), c)
	}
	for k := 0; k < 3; k++ {
		x := 252 + k*336
		fill(img, image.Rect(x, 96, x+312, 216), color.RGBA{0xff, 0xff, 0xff, 0xff})
		fill(img, image.Rect(x+20, 120, x+140, 132), color.RGBA{0xcb, 0xd5, 0xe1, 0xff})
		fill(img, image.Rect(x+20, 150, x+20+60+k*50, 190), mix(tone, 0.15*float64(k)))
	}
	fill(img, image.Rect(252, 240, 1240, 680), color.RGBA{0xff, 0xff, 0xff, 0xff})
	heights := []int{120, 180, 150, 220, 260, 210, 300, 280, 340, 320, 370, 390}
	for k, bh := range heights {
		x := 300 + k*76
		bh = bh - (i%3)*20 + (k%3)*10
		fill(img, image.Rect(x, 650-bh, x+40, 650), mix(tone, 0.1+0.03*float64(k%4)))
	}
	fill(img, image.Rect(280, 650, 1220, 652), color.RGBA{0xcb, 0xd5, 0xe1, 0xff})
	return encodePNG(img)
}
