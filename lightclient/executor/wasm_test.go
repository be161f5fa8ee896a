package executor

// A minimal Wasm assembler for hand-made test runtimes: a module with
// imported (or defined) memory, an exported __heap_base, imported host
// functions and exported functions whose bodies are written as bytes.

const (
	wI32 = 0x7f
	wI64 = 0x7e
)

type wType struct{ params, results []byte }

type wImport struct {
	module, name string
	typ          int
}

type wFunc struct {
	name string // export name ("" none)
	typ  int
	body []byte // instructions, without locals and the final end
}

type wData struct {
	offset uint32
	bytes  []byte
}

type wModule struct {
	types        []wType
	imports      []wImport
	importMemory bool
	memPages     uint32
	noHeapBase   bool
	noMemory     bool
	heapBase     uint32
	funcs        []wFunc
	data         []wData
}

func wSLEB(dst []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(dst, c)
		}
		dst = append(dst, c|0x80)
	}
}

func wName(dst []byte, s string) []byte {
	dst = appendLEB(dst, uint32(len(s)))
	return append(dst, s...)
}

func wSection(dst []byte, id byte, body []byte) []byte {
	dst = append(dst, id)
	dst = appendLEB(dst, uint32(len(body)))
	return append(dst, body...)
}

func (m *wModule) encode() []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	var b []byte
	b = appendLEB(b, uint32(len(m.types)))
	for _, t := range m.types {
		b = append(b, 0x60)
		b = appendLEB(b, uint32(len(t.params)))
		b = append(b, t.params...)
		b = appendLEB(b, uint32(len(t.results)))
		b = append(b, t.results...)
	}
	out = wSection(out, 1, b)

	b = nil
	n := len(m.imports)
	if m.importMemory {
		n++
	}
	b = appendLEB(b, uint32(n))
	for _, im := range m.imports {
		b = wName(b, im.module)
		b = wName(b, im.name)
		b = append(b, 0)
		b = appendLEB(b, uint32(im.typ))
	}
	if m.importMemory {
		b = wName(b, "env")
		b = wName(b, "memory")
		b = append(b, 2, 0)
		b = appendLEB(b, uint32(m.memPages))
	}
	out = wSection(out, 2, b)

	b = appendLEB(nil, uint32(len(m.funcs)))
	for _, f := range m.funcs {
		b = appendLEB(b, uint32(f.typ))
	}
	out = wSection(out, 3, b)

	if !m.importMemory && !m.noMemory {
		out = wSection(out, 5, appendLEB([]byte{1, 0}, uint32(m.memPages)))
	}
	if !m.noHeapBase {
		b = []byte{1, wI32, 0, 0x41}
		b = wSLEB(b, int64(int32(m.heapBase)))
		b = append(b, 0x0b)
		out = wSection(out, 6, b)
	}

	var exports []byte
	count := 0
	for i, f := range m.funcs {
		if f.name == "" {
			continue
		}
		exports = wName(exports, f.name)
		exports = append(exports, 0)
		exports = appendLEB(exports, uint32(len(m.imports)+i))
		count++
	}
	if !m.noHeapBase {
		exports = wName(exports, "__heap_base")
		exports = append(exports, 3, 0)
		count++
	}
	out = wSection(out, 7, append(appendLEB(nil, uint32(count)), exports...))

	b = appendLEB(nil, uint32(len(m.funcs)))
	for _, f := range m.funcs {
		body := append([]byte{0}, f.body...)
		body = append(body, 0x0b)
		b = appendLEB(b, uint32(len(body)))
		b = append(b, body...)
	}
	out = wSection(out, 10, b)

	if len(m.data) > 0 {
		b = appendLEB(nil, uint32(len(m.data)))
		for _, d := range m.data {
			b = append(b, 0, 0x41)
			b = wSLEB(b, int64(int32(d.offset)))
			b = append(b, 0x0b)
			b = appendLEB(b, uint32(len(d.bytes)))
			b = append(b, d.bytes...)
		}
		out = wSection(out, 11, b)
	}
	return out
}

// Instruction helpers.
func iConst64(v int64) []byte     { return wSLEB([]byte{0x42}, v) }
func iConst32(v int32) []byte     { return wSLEB([]byte{0x41}, int64(v)) }
func iCall(idx int) []byte        { return appendLEB([]byte{0x10}, uint32(idx)) }
func ptrSize(ptr, n uint32) int64 { return int64(uint64(n)<<32 | uint64(ptr)) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// entryType is the type of runtime API functions: (i32, i32) -> i64.
var entryType = wType{[]byte{wI32, wI32}, []byte{wI64}}

// callModule is a runtime exporting "run", which calls imported function
// name (of type t) with the given instruction arguments and returns its
// i64 result (an i32 result is zero-extended, no result gives 0).
func callModule(name string, t wType, args []byte, data ...wData) *wModule {
	body := cat(args, iCall(0))
	switch {
	case len(t.results) == 0:
		body = append(body, iConst64(0)...)
	case t.results[0] == wI32:
		body = append(body, 0xad) // i64.extend_i32_u
	}
	return &wModule{
		types:        []wType{t, entryType},
		imports:      []wImport{{"env", name, 0}},
		importMemory: true,
		memPages:     2,
		heapBase:     4096,
		funcs:        []wFunc{{name: "run", typ: 1, body: body}},
		data:         data,
	}
}
