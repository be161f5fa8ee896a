package tui

// scroller is a list's cursor and the first row shown.
type scroller struct{ cursor, off, n int }

func (s *scroller) move(d int) {
	s.cursor += d
	s.clamp()
}

func (s *scroller) clamp() {
	if s.cursor >= s.n {
		s.cursor = s.n - 1
	}
	if s.cursor < 0 {
		s.cursor = 0
	}
}

// window returns the rows [start, end) to show in height rows, keeping the
// cursor visible; it remembers the offset so the view does not jump.
func (s *scroller) window(height int) (int, int) {
	if height < 1 {
		height = 1
	}
	if s.cursor < s.off {
		s.off = s.cursor
	}
	if s.cursor >= s.off+height {
		s.off = s.cursor - height + 1
	}
	if s.off > s.n-height {
		s.off = max(0, s.n-height)
	}
	return s.off, min(s.n, s.off+height)
}
