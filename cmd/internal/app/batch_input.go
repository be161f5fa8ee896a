package app

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// BatchRow is one row of a batch file: the arguments of one submitting
// command as typed after "ksm" (["transfer", "HNZ…", "1.5", "--from",
// "treasury"]), the row's id when it has one, and the line it is on.
type BatchRow struct {
	// Line is the 1-based line of the file the row starts on.
	Line int
	// ID is the row's id ("" when the file gives none).
	ID   string
	Args []string
}

// MaxBatchLine bounds one line (or CSV record) of a batch file.
const MaxBatchLine = 1 << 20

// BatchInputError is a malformed row of a batch file; it names the line.
type BatchInputError struct {
	Line int
	Err  error
}

func (e *BatchInputError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap gives ErrUsage (exit 2) and the cause.
func (e *BatchInputError) Unwrap() []error { return []error{ErrUsage, e.Err} }

// BatchLineError names the line of a row for an error about it found
// later (an unknown command, key or amount).
func BatchLineError(line int, err error) error { return &BatchInputError{Line: line, Err: err} }

// CSVColumns are the columns a CSV batch file may have (the header row
// names them, in any order): every CSV row is a transfer.
var CSVColumns = []string{"to", "amount", "from", "id", "tip"}

// ParseBatch reads a batch file: JSON Lines, each line a JSON array of
// arguments or an object {"id": "...", "args": [...]} (blank lines are
// skipped), or CSV with a header row of CSVColumns (to and amount
// required; each row the transfer `transfer TO AMOUNT [--from FROM]
// [--tip TIP]`). The format is told by the first character that is not
// white space: '[' or '{' is JSON Lines, anything else CSV. A malformed
// row is a *BatchInputError naming its line; ids must be unique. A file
// without rows is an error.
func ParseBatch(r io.Reader) ([]BatchRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBatchFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBatchFile {
		return nil, Usagef("the batch file is larger than %d bytes", MaxBatchFile)
	}
	first := bytes.TrimLeft(data, " \t\r\n")
	if len(first) == 0 {
		return nil, Usagef("the batch file has no rows")
	}
	if first[0] == '[' || first[0] == '{' {
		return parseJSONLines(bufio.NewReader(bytes.NewReader(data)))
	}
	return parseCSV(bufio.NewReader(bytes.NewReader(data)))
}

// MaxBatchFile bounds a batch file.
const MaxBatchFile = 256 << 20

func parseJSONLines(br *bufio.Reader) ([]BatchRow, error) {
	var rows []BatchRow
	ids := map[string]int{}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), MaxBatchLine)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		row, err := parseJSONRow(text)
		if err != nil {
			return nil, &BatchInputError{Line: line, Err: err}
		}
		row.Line = line
		if err := checkID(ids, row); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &BatchInputError{Line: len(rows) + 1, Err: fmt.Errorf("a line is longer than %d bytes", MaxBatchLine)}
		}
		return nil, err
	}
	if len(rows) == 0 {
		return nil, Usagef("the batch file has no rows")
	}
	return rows, nil
}

func checkID(ids map[string]int, row BatchRow) error {
	if row.ID == "" {
		return nil
	}
	if prev, ok := ids[row.ID]; ok {
		return &BatchInputError{Line: row.Line, Err: fmt.Errorf("id %q is already the id of line %d (ids must be unique)", row.ID, prev)}
	}
	ids[row.ID] = row.Line
	return nil
}

// parseJSONRow reads one line: an array of arguments (strings; numbers are
// taken as written) or {"id", "args"}.
func parseJSONRow(text []byte) (BatchRow, error) {
	if !utf8.Valid(text) {
		return BatchRow{}, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var row BatchRow
	switch text[0] {
	case '[':
		var raw []any
		if err := dec.Decode(&raw); err != nil {
			return row, fmt.Errorf("not a JSON array of arguments: %v", err)
		}
		args, err := jsonArgs(raw)
		if err != nil {
			return row, err
		}
		row.Args = args
	case '{':
		var obj struct {
			ID   *json.RawMessage `json:"id"`
			Args []any            `json:"args"`
		}
		if err := dec.Decode(&obj); err != nil {
			return row, fmt.Errorf(`not a JSON object {"id": "...", "args": [...]}: %v`, err)
		}
		if obj.ID != nil {
			var id any
			d := json.NewDecoder(bytes.NewReader(*obj.ID))
			d.UseNumber()
			if err := d.Decode(&id); err != nil {
				return row, fmt.Errorf("id: %v", err)
			}
			switch v := id.(type) {
			case string:
				row.ID = v
			case json.Number:
				row.ID = v.String()
			default:
				return row, errors.New("id must be a string or a number")
			}
			if row.ID == "" {
				return row, errors.New("id is empty")
			}
		}
		if obj.Args == nil {
			return row, errors.New(`the object has no "args" (the arguments of the command)`)
		}
		args, err := jsonArgs(obj.Args)
		if err != nil {
			return row, err
		}
		row.Args = args
	default:
		return row, errors.New(`not a JSON array of arguments nor an object {"id": "...", "args": [...]}`)
	}
	if dec.More() {
		return row, errors.New("more than one JSON value on the line")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return row, errors.New("more than one JSON value on the line")
	}
	return row, nil
}

func jsonArgs(raw []any) ([]string, error) {
	if len(raw) == 0 {
		return nil, errors.New("no arguments (a row is a command, as typed after ksm)")
	}
	args := make([]string, len(raw))
	for i, v := range raw {
		switch v := v.(type) {
		case string:
			args[i] = v
		case json.Number:
			args[i] = v.String()
		default:
			return nil, fmt.Errorf("argument %d is not a string or a number", i+1)
		}
	}
	return args, nil
}

func parseCSV(br *bufio.Reader) ([]BatchRow, error) {
	cr := csv.NewReader(br)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, csvErr(cr, 1, err)
	}
	hl, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range CSVColumns {
			known = known || c == name
		}
		if !known {
			return nil, &BatchInputError{Line: hl, Err: fmt.Errorf("unknown column %q in the header (CSV columns: %s; every row is a transfer)", h, strings.Join(CSVColumns, ", "))}
		}
		if _, dup := col[name]; dup {
			return nil, &BatchInputError{Line: hl, Err: fmt.Errorf("column %q twice in the header", name)}
		}
		col[name] = i
	}
	for _, need := range []string{"to", "amount"} {
		if _, ok := col[need]; !ok {
			return nil, &BatchInputError{Line: hl, Err: fmt.Errorf("the header has no %q column (a CSV batch is transfers: to,amount[,from][,id][,tip])", need)}
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var rows []BatchRow
	ids := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(cr, 0, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" && len(header) > 1 {
			continue
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return nil, &BatchInputError{Line: line, Err: errors.New("not valid UTF-8")}
			}
		}
		to, amount := get(rec, "to"), get(rec, "amount")
		if to == "" || amount == "" {
			return nil, &BatchInputError{Line: line, Err: errors.New("to and amount are required")}
		}
		args := []string{"transfer", to, amount}
		if from := get(rec, "from"); from != "" {
			args = append(args, "--from", from)
		}
		if tip := get(rec, "tip"); tip != "" {
			args = append(args, "--tip", tip)
		}
		row := BatchRow{Line: line, ID: get(rec, "id"), Args: args}
		if err := checkID(ids, row); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, Usagef("the batch file has no rows")
	}
	return rows, nil
}

func csvErr(cr *csv.Reader, line int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &BatchInputError{Line: pe.StartLine, Err: pe.Err}
	}
	if errors.Is(err, io.EOF) {
		return Usagef("the batch file has no rows")
	}
	return &BatchInputError{Line: line, Err: err}
}
