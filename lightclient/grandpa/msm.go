package grandpa

import (
	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// Extended twisted Edwards coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z,
// and the "cached" form of a point to add: (Y+X, Y−X, 2Z, 2d·T). Additions
// use the a = −1 formulas of Hisil–Wong–Carter–Dawson ("add-2008-hwcd-3"),
// 8 multiplications each.
type extPoint struct{ X, Y, Z, T field.Element }

type cachedPoint struct{ YplusX, YminusX, Z2, T2d field.Element }

// d2 is 2·d, d = −121665/121666 the Edwards curve constant.
var d2 = func() field.Element {
	var num, den, d field.Element
	num.SetBytes(le32(121665))
	den.SetBytes(le32(121666))
	num.Negate(&num)
	d.Multiply(&num, den.Invert(&den))
	d.Add(&d, &d)
	return d
}()

func le32(v uint32) []byte {
	b := make([]byte, 32)
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	return b
}

func (e *extPoint) fromPoint(p *edwards25519.Point) {
	X, Y, Z, T := p.ExtendedCoordinates()
	e.X.Set(X)
	e.Y.Set(Y)
	e.Z.Set(Z)
	e.T.Set(T)
}

func (e *extPoint) toPoint() *edwards25519.Point {
	p, err := new(edwards25519.Point).SetExtendedCoordinates(&e.X, &e.Y, &e.Z, &e.T)
	if err != nil {
		panic("grandpa: msm left the curve") // unreachable: additions stay on the curve
	}
	return p
}

func (c *cachedPoint) fromExt(e *extPoint) {
	c.YplusX.Add(&e.Y, &e.X)
	c.YminusX.Subtract(&e.Y, &e.X)
	c.Z2.Add(&e.Z, &e.Z)
	c.T2d.Multiply(&e.T, &d2)
}

// negate sets c to −c (x ↦ −x swaps Y+X and Y−X and negates T).
func (c *cachedPoint) negate(p *cachedPoint) {
	c.YplusX.Set(&p.YminusX)
	c.YminusX.Set(&p.YplusX)
	c.Z2.Set(&p.Z2)
	c.T2d.Negate(&p.T2d)
}

// addCached sets e = p + q.
func (e *extPoint) addCached(p *extPoint, q *cachedPoint) {
	var d field.Element
	d.Multiply(&p.Z, &q.Z2)
	e.add(p, q, &d)
}

// addAffine sets e = p + q for q with Z = 1 (every decompressed point):
// 2·Z1·Z2 becomes 2·Z1, one multiplication fewer than addCached.
func (e *extPoint) addAffine(p *extPoint, q *cachedPoint) {
	var d field.Element
	d.Add(&p.Z, &p.Z)
	e.add(p, q, &d)
}

// add sets e = p + q given d = 2·Z1·Z2 (q.Z2 holds 2·Z2); e may be p.
func (e *extPoint) add(p *extPoint, q *cachedPoint, d *field.Element) {
	var a, b, c, t field.Element
	a.Subtract(&p.Y, &p.X)
	a.Multiply(&a, &q.YminusX)
	b.Add(&p.Y, &p.X)
	b.Multiply(&b, &q.YplusX)
	c.Multiply(&p.T, &q.T2d)
	var E, F, G, H field.Element
	E.Subtract(&b, &a)
	F.Subtract(d, &c)
	G.Add(d, &c)
	H.Add(&b, &a)
	e.X.Multiply(&E, &F)
	e.Y.Multiply(&G, &H)
	t.Multiply(&E, &H)
	e.T.Set(&t)
	e.Z.Multiply(&F, &G)
}

// setAffine sets e to the point q (cached form, Z = 1): identity + q.
func (e *extPoint) setAffine(q *cachedPoint) {
	e.X.Zero()
	e.Y.One()
	e.Z.One()
	e.T.Zero()
	e.addAffine(e, q)
}
