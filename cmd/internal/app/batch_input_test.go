package app

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseBatch(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []BatchRow
		errLine  int    // 0: a usage error without a line
		errHas   string // "" with want: no error
	}{
		{name: "json lines", in: "[\"transfer\", \"bob\", \"1.5\", \"--from\", \"alice\"]\n\n{\"id\": \"p2\", \"args\": [\"gov\", \"vote\", 12, \"aye\"]}\n",
			want: []BatchRow{{Line: 1, Args: []string{"transfer", "bob", "1.5", "--from", "alice"}}, {Line: 3, ID: "p2", Args: []string{"gov", "vote", "12", "aye"}}}},
		{name: "leading blank lines count", in: "\n\n  [\"transfer\",\"bob\",\"1\"]\n", want: []BatchRow{{Line: 3, Args: []string{"transfer", "bob", "1"}}}},
		{name: "numeric id", in: `{"id": 7, "args": ["transfer","bob","1"]}`, want: []BatchRow{{Line: 1, ID: "7", Args: []string{"transfer", "bob", "1"}}}},
		{name: "csv", in: "to,amount,from,id\nbob,1.5,alice,a1\n\ncarol, 2 ,,a2\n",
			want: []BatchRow{{Line: 2, ID: "a1", Args: []string{"transfer", "bob", "1.5", "--from", "alice"}}, {Line: 4, ID: "a2", Args: []string{"transfer", "carol", "2"}}}},
		{name: "csv tip and column order", in: "amount,to,tip\n1,bob,0.01\n",
			want: []BatchRow{{Line: 2, Args: []string{"transfer", "bob", "1", "--tip", "0.01"}}}},
		{name: "malformed json", in: "[\"transfer\",\"bob\",\"1\"]\n[\"transfer\", \"bob\"\n", errLine: 2, errHas: "not a JSON array"},
		{name: "trailing value", in: "[\"a\"] [\"b\"]\n", errLine: 1, errHas: "more than one JSON value"},
		{name: "not a string", in: "[\"transfer\", true]\n", errLine: 1, errHas: "argument 2"},
		{name: "empty args", in: "[]\n", errLine: 1, errHas: "no arguments"},
		{name: "unknown field", in: `{"id":"x","args":["a"],"nonce":3}`, errLine: 1, errHas: "unknown field"},
		{name: "no args", in: `{"id":"x"}`, errLine: 1, errHas: `no "args"`},
		{name: "duplicate id", in: "{\"id\":\"x\",\"args\":[\"a\"]}\n{\"id\":\"x\",\"args\":[\"b\"]}\n", errLine: 2, errHas: "line 1"},
		{name: "csv unknown column", in: "to,amount,memo\nbob,1,hi\n", errLine: 1, errHas: `unknown column "memo"`},
		{name: "csv missing column", in: "to,from\nbob,alice\n", errLine: 1, errHas: `no "amount"`},
		{name: "csv missing value", in: "to,amount\nbob,1\ncarol,\n", errLine: 3, errHas: "required"},
		{name: "csv ragged", in: "to,amount\nbob,1,3\n", errLine: 2, errHas: "number of fields"},
		{name: "empty", in: "\n \n", errHas: "no rows"},
		{name: "header only", in: "to,amount\n", errHas: "no rows"},
		{name: "bad utf8", in: "[\"transfer\",\"\xff\"]\n", errLine: 1, errHas: "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ParseBatch(strings.NewReader(tc.in))
			if tc.want != nil {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(rows, tc.want) {
					t.Fatalf("rows %+v, want %+v", rows, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || !IsInputError(err) {
				t.Fatalf("err %v, want one with %q (exit 2)", err, tc.errHas)
			}
			var be *BatchInputError
			if tc.errLine != 0 && (!errors.As(err, &be) || be.Line != tc.errLine) {
				t.Fatalf("err %v names line %+v, want %d", err, be, tc.errLine)
			}
		})
	}
}

// FuzzParseBatch: any input gives rows or an error, never a panic; rows
// have arguments and lines in order.
func FuzzParseBatch(f *testing.F) {
	for _, s := range []string{
		"[\"transfer\",\"bob\",\"1\"]\n", `{"id":"a","args":["x",1]}`, "to,amount\nbob,1\n", "to,amount,from,id,tip\n\"b,c\",1,a,\"x\"\"y\",2\n",
		"\n\n[1]\n[\"a\"]x", "{\"args\":[]}", "\ufeffto,amount\nx,1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ParseBatch(strings.NewReader(string(b)))
		if err != nil {
			if rows != nil {
				t.Fatal("rows with an error")
			}
			return
		}
		last := 0
		for _, r := range rows {
			if len(r.Args) == 0 || r.Line <= last {
				t.Fatalf("row %+v after line %d", r, last)
			}
			last = r.Line
		}
	})
}
