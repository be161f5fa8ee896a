package tui

import (
	"context"
	"fmt"
	"strings"
)

// FirstPaint shows what the dashboard paints before the chain is open: the
// keys of the Backend.
func ExampleFirstPaint() {
	view := FirstPaint(context.Background(), Options{Backend: newFake(), Network: "kusama", NoConnect: true}, 80, 24)
	fmt.Println(strings.Contains(view, "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"))
	// Output: true
}
