package metadata

// Summary lists the names in metadata, as `ksm metadata inspect` prints them.
type Summary struct {
	Version    int             `json:"version"`
	Pallets    []PalletSummary `json:"pallets"`
	Extensions []string        `json:"extensions"`
}

// PalletSummary lists the names of a pallet's items in metadata order
// (calls, events and errors in variant order).
type PalletSummary struct {
	Name      string   `json:"name"`
	Index     int      `json:"index"`
	Calls     []string `json:"calls"`
	Storage   []string `json:"storage"`
	Events    []string `json:"events"`
	Errors    []string `json:"errors"`
	Constants []string `json:"constants"`
}

// Summarize lists the pallets, their items and the transaction extensions.
// Lists are empty, never nil.
func Summarize(m *Metadata) *Summary {
	s := &Summary{Version: int(m.Version), Pallets: make([]PalletSummary, 0, len(m.Pallets)), Extensions: []string{}}
	names := func(vs []Variant) []string {
		out := make([]string, 0, len(vs))
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	for i := range m.Pallets {
		p := &m.Pallets[i]
		ps := PalletSummary{
			Name:      p.Name,
			Index:     int(p.Index),
			Calls:     names(m.Variants(p, Calls)),
			Events:    names(m.Variants(p, Events)),
			Errors:    names(m.Variants(p, Errors)),
			Storage:   []string{},
			Constants: make([]string, 0, len(p.Constants)),
		}
		if p.Storage != nil {
			for _, e := range p.Storage.Entries {
				ps.Storage = append(ps.Storage, e.Name)
			}
		}
		for _, c := range p.Constants {
			ps.Constants = append(ps.Constants, c.Name)
		}
		s.Pallets = append(s.Pallets, ps)
	}
	for _, e := range m.Extrinsic.Extensions {
		s.Extensions = append(s.Extensions, e.Identifier)
	}
	return s
}
