package app

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Journal states of a batch row, in the order a row goes through them.
const (
	// JournalBatch is the first record: what batch the journal is of.
	JournalBatch = "batch"
	// JournalPlanned: the row's transaction was prepared with a nonce
	// (reserved), nothing signed.
	JournalPlanned = "planned"
	// JournalSigned: signed (hash, nonce, era, chain, block it was signed
	// at, the extrinsic); it may have been sent from here on.
	JournalSigned = "signed"
	// JournalSubmitted: the endpoint accepted it.
	JournalSubmitted = "submitted"
	// JournalIncluded: in a block (success or failure on chain).
	JournalIncluded = "included"
	// JournalFailed: it will not be included (refused, would fail, nonce
	// used by another transaction, ...).
	JournalFailed = "failed"
	// JournalRun starts each run of the batch (the first and every
	// --resume): Owner names the nonce reservations it makes, which a later
	// run gives back (the process that made them is gone).
	JournalRun = "run"
	// JournalStopped ends a run that stopped before every row was settled
	// (Ctrl-C, the network lost): Reason says why, Unsettled lists the rows
	// whose transaction was signed and may still be included (--resume
	// settles them on chain first), Pending the rows not started.
	JournalStopped = "stopped"
)

// errJournalBusy means another process runs the journal.
var errJournalBusy = Usagef("another ksm batch run is using this journal (it is locked); wait for it to end")

// JournalRecord is one line of a batch journal.
type JournalRecord struct {
	State string `json:"state"`
	Row   int    `json:"row,omitempty"`
	ID    string `json:"id,omitempty"`
	Time  string `json:"time"`
	// Input is the fingerprint of the batch's rows (JournalBatch); Rows
	// their number.
	Input string `json:"input,omitempty"`
	Rows  int    `json:"rows,omitempty"`
	// Chain is the genesis hash of the chain the row is signed for.
	Chain string `json:"chain,omitempty"`
	// From is the sender's account id (0x-hex).
	From  string  `json:"from,omitempty"`
	Nonce *uint64 `json:"nonce,omitempty"`
	// ExtrinsicHash, Era, SignedAt and Extrinsic (0x-hex, not a secret)
	// are set from JournalSigned on.
	ExtrinsicHash string        `json:"extrinsicHash,omitempty"`
	Era           *JournalEra   `json:"era,omitempty"`
	SignedAt      *JournalBlock `json:"signedAt,omitempty"`
	Extrinsic     string        `json:"extrinsic,omitempty"`
	// Block, Success, Proven and Fee (planck) are set when included.
	Block   *JournalBlock `json:"block,omitempty"`
	Success *bool         `json:"success,omitempty"`
	Proven  bool          `json:"proven,omitempty"`
	Fee     string        `json:"fee,omitempty"`
	// Group is the first row of the rows signed together in one
	// Utility.batch_all (0: the row alone).
	Group int `json:"group,omitempty"`
	// Owner names a run's nonce reservations (JournalRun).
	Owner string `json:"owner,omitempty"`
	// Reason says why the row failed (JournalFailed, or an included row
	// whose call failed), or why the run stopped (JournalStopped).
	Reason string `json:"reason,omitempty"`
	// Unsettled and Pending are the rows a stopped run left (JournalStopped).
	Unsettled []int `json:"unsettled,omitempty"`
	Pending   []int `json:"pending,omitempty"`
}

// JournalEra is a transaction's validity: it can be included after block
// Born and before block Death; Period 0 is immortal (Death 0).
type JournalEra struct {
	Period uint64 `json:"period"`
	Born   uint64 `json:"born"`
	Death  uint64 `json:"death"`
}

// JournalBlock names a block.
type JournalBlock struct {
	Number uint64 `json:"number"`
	Hash   string `json:"hash"`
}

// ErrJournalExists means a run found the journal of an earlier run.
var ErrJournalExists = errors.New("the journal exists")

// Journal is a batch run's append-only journal: JSON lines, each written
// in one write and fsynced before Append returns (the next step waits for
// it), in a file of mode 0600.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	Path string
	// NoSync skips fsync (benchmarks only).
	NoSync bool
	now    func() time.Time
	// hook, when set, is asked before each record is written; an error
	// drops the record (tests: a crash).
	hook func(*JournalRecord) error
	// After, when set, is called with each record once it is on disk (a
	// test seam: ksm batch run stops the process at a given step with it).
	After func(JournalRecord)
}

// CreateJournal creates a new journal at path; it fails with
// ErrJournalExists when one is there.
func CreateJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, Usagef("%w: %s holds the journal of an earlier run of this batch; pass --resume to finish it (rows already signed are settled on chain first, never paid twice), or --journal to name another", ErrJournalExists, path)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	syncDir(filepath.Dir(path))
	return &Journal{f: f, Path: path}, nil
}

// OpenJournal opens an existing journal to append to it and returns its
// records. A last line cut short by a crash is dropped (and ended, so the
// next record starts on a line of its own); any other bad line is an
// error.
func OpenJournal(path string) (*Journal, []JournalRecord, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, Usagef("--resume: there is no journal %s", path)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	recs, torn, err := ParseJournal(data)
	if err != nil {
		return nil, nil, fmt.Errorf("journal %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	j := &Journal{f: f, Path: path}
	if torn {
		if _, err := f.Write([]byte("\n")); err != nil {
			_ = f.Close()
			return nil, nil, fmt.Errorf("journal: %w", err)
		}
	}
	return j, recs, nil
}

// ParseJournal reads a journal's records; torn reports a last line without
// its newline that did not parse (dropped).
func ParseJournal(data []byte) (recs []JournalRecord, torn bool, err error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxBatchLine*4)
	complete := len(data) == 0 || data[len(data)-1] == '\n'
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var r JournalRecord
		if err := json.Unmarshal(text, &r); err != nil || r.State == "" {
			if !complete && !sc.Scan() {
				return recs, true, nil
			}
			return nil, false, fmt.Errorf("line %d is not a journal record", line)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, false, err
	}
	if len(recs) > 0 && recs[0].State != JournalBatch {
		return nil, false, errors.New("it does not start with a batch record")
	}
	return recs, false, nil
}

// Append writes r (its Time set) and fsyncs the file.
func (j *Journal) Append(r JournalRecord) error {
	now := time.Now
	if j.now != nil {
		now = j.now
	}
	r.Time = now().UTC().Format(time.RFC3339Nano)
	if j.hook != nil {
		if err := j.hook(&r); err != nil {
			return err
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := j.write(b); err != nil {
		return err
	}
	if j.After != nil {
		j.After(r)
	}
	return nil
}

func (j *Journal) write(b []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if !j.NoSync {
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// BatchFingerprint identifies a batch's rows (lines, ids, arguments): a
// journal is resumed only with the rows it was started with.
func BatchFingerprint(rows []BatchRow) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range rows {
		_ = enc.Encode(r)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// rowJournal is what the journal says of one row: its last state and its
// signed transaction, if any.
type rowJournal struct {
	// signedLast: the row's latest planned record is followed by a signed
	// one (the attempt it planned was signed).
	signedLast bool
	last       string
	planned    *JournalRecord
	signed     *JournalRecord
	final      *JournalRecord
}

// journalRows folds the records per row. A row is settled (final) once it
// has an included or failed record; a new signed record replaces the old
// one (the old transaction was settled as never to be included).
func journalRows(recs []JournalRecord) map[int]*rowJournal {
	m := map[int]*rowJournal{}
	for i := range recs {
		r := &recs[i]
		if r.State == JournalBatch || r.State == JournalRun || r.State == JournalStopped {
			continue
		}
		rj := m[r.Row]
		if rj == nil {
			rj = &rowJournal{}
			m[r.Row] = rj
		}
		rj.last = r.State
		switch r.State {
		case JournalPlanned:
			rj.planned, rj.signedLast = r, false
		case JournalSigned:
			rj.signed, rj.signedLast = r, true
		case JournalIncluded, JournalFailed:
			rj.final = r
		}
	}
	return m
}
