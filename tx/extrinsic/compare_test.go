package extrinsic_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"

	"github.com/ksm-wallet/ksm/tx/metadata"
)

// generic re-reads any JSON-marshalable value as maps, slices, strings,
// json.Numbers, bools and nils.
func generic(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<unmarshalable %v>", err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return fmt.Sprintf("<bad json %v>", err)
	}
	return out
}

func normKey(k string) string { return strings.ToLower(strings.ReplaceAll(k, "_", "")) }

func numString(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, ok := new(big.Int).SetString(x.String(), 10); ok {
			return n.String(), true
		}
	case string:
		if n, ok := new(big.Int).SetString(x, 10); ok && x != "" {
			return n.String(), true
		}
	}
	return "", false
}

// sameValue compares ksm's value JSON (ours) with polkadot-js' toPrimitive
// rendering (theirs), allowing for polkadot-js' conventions: camelCase struct
// keys, lower-case enum keys, {callIndex, args} for nested calls, printable
// bytes as text, {aye, conviction} for a vote byte. It returns "" when equal,
// else where they differ.
func sameValue(md *metadata.Metadata, ours, theirs any, path string) string {
	d := sameValue1(md, ours, theirs, path)
	if len(d) > 400 {
		d = d[:400] + "…"
	}
	return d
}

func sameValue1(md *metadata.Metadata, ours, theirs any, path string) string {
	if n1, ok := numString(ours); ok {
		if n2, ok := numString(theirs); ok && n1 == n2 {
			return ""
		}
		if m, ok := theirs.(map[string]any); ok && len(m) == 2 && m["aye"] != nil {
			convictions := []string{"None", "Locked1x", "Locked2x", "Locked3x", "Locked4x", "Locked5x", "Locked6x"}
			v := 0
			if m["aye"] == true {
				v = 0x80
			}
			for i, c := range convictions {
				if m["conviction"] == c {
					v |= i
				}
			}
			if fmt.Sprint(v) == n1 {
				return ""
			}
		}
		return fmt.Sprintf("%s: %v vs %v", path, ours, theirs)
	}
	switch a := ours.(type) {
	case nil:
		if theirs == nil {
			return ""
		}
	case bool:
		if theirs == a {
			return ""
		}
	case string:
		switch b := theirs.(type) {
		case string:
			if a == b || strings.EqualFold(a, b) {
				return ""
			}
			if strings.HasPrefix(a, "0x") && a == "0x"+hex.EncodeToString([]byte(b)) {
				return ""
			}
		case map[string]any:
			for k, v := range b {
				if len(b) == 1 && v == nil && strings.EqualFold(k, a) {
					return ""
				}
			}
		}
	case []any:
		if b, ok := theirs.([]any); ok && len(a) == len(b) {
			for i := range a {
				if d := sameValue(md, a[i], b[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
					return d
				}
			}
			return ""
		}
	case map[string]any:
		b, ok := theirs.(map[string]any)
		if !ok {
			break
		}
		if p, ok := a["pallet"].(string); ok && len(a) == 3 && b["callIndex"] != nil {
			it, err := md.Call(p, fmt.Sprint(a["name"]))
			if err != nil {
				return fmt.Sprintf("%s: %v", path, err)
			}
			if ci := fmt.Sprintf("0x%02x%02x", it.Pallet.Index, it.Variant.Index); ci != b["callIndex"] {
				return fmt.Sprintf("%s: call %s vs %v", path, ci, b["callIndex"])
			}
			return sameValue(md, a["args"], b["args"], path+".args")
		}
		if len(a) == 1 && len(b) == 1 {
			for ka, va := range a {
				for kb, vb := range b {
					// identity Data: ksm {"Raw4": "0x.."}, polkadot-js {"raw": "text or hex"}
					if strings.HasPrefix(ka, "Raw") && kb == "raw" {
						if vb == "" && (va == nil || va == "0x") {
							return ""
						}
						return sameValue(md, va, vb, path+"."+kb)
					}
				}
			}
		}
		na, nb := map[string]any{}, map[string]any{}
		for k, v := range a {
			na[normKey(k)] = v
		}
		for k, v := range b {
			nb[normKey(k)] = v
		}
		if len(na) != len(nb) {
			return fmt.Sprintf("%s: keys %v vs %v", path, keys(na), keys(nb))
		}
		for k, v := range na {
			w, ok := nb[k]
			if !ok {
				return fmt.Sprintf("%s: key %s missing in %v", path, k, keys(nb))
			}
			if d := sameValue(md, v, w, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	}
	return fmt.Sprintf("%s: %v vs %v", path, ours, theirs)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestSameValueDetectsDifferences(t *testing.T) {
	js := func(s string) any {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	same := [][2]string{
		{`{"dest":{"Id":"EZ9"},"value":5}`, `{"dest":{"id":"EZ9"},"value":"5"}`},
		{`{"remark":"0x3434"}`, `{"remark":"44"}`},
		{`{"payee":"Staked"}`, `{"payee":{"staked":null}}`},
		{`{"weight":{"ref_time":1}}`, `{"weight":{"refTime":1}}`},
		{`{"v":129}`, `{"v":{"aye":true,"conviction":"Locked1x"}}`},
	}
	differ := [][2]string{
		{`{"dest":{"Id":"EZ9"},"value":5}`, `{"dest":{"id":"EZ8"},"value":"5"}`},
		{`{"value":5}`, `{"value":6}`},
		{`{"remark":"0x3435"}`, `{"remark":"44"}`},
		{`{"payee":"Stash"}`, `{"payee":{"staked":null}}`},
		{`{"a":[1,2]}`, `{"a":[1]}`},
		{`{"a":1,"b":2}`, `{"a":1}`},
		{`{"v":128}`, `{"v":{"aye":true,"conviction":"Locked1x"}}`},
	}
	for _, c := range same {
		if d := sameValue(nil, js(c[0]), js(c[1]), "v"); d != "" {
			t.Errorf("%s vs %s: %s", c[0], c[1], d)
		}
	}
	for _, c := range differ {
		if d := sameValue(nil, js(c[0]), js(c[1]), "v"); d == "" {
			t.Errorf("%s vs %s: reported equal", c[0], c[1])
		}
	}
}
