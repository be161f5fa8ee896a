package lightclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/ksm-wallet/ksm/lightclient/chainspec"
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/hash"
	"github.com/ksm-wallet/ksm/tx/scale"
)

// ErrNoRuntimeUpgrade means the state holds no System.LastRuntimeUpgrade.
var ErrNoRuntimeUpgrade = errors.New("lightclient: no System.LastRuntimeUpgrade in state")

// LastRuntimeUpgradeKey is the storage key of System.LastRuntimeUpgrade.
var LastRuntimeUpgradeKey = func() []byte {
	p, i := hash.Twox128([]byte("System")), hash.Twox128([]byte("LastRuntimeUpgrade"))
	return append(p[:], i[:]...)
}()

// RuntimeUpgrade is System.LastRuntimeUpgrade (LastRuntimeUpgradeInfo): the
// spec of the runtime in force, proven at Block. It is a few bytes, so it is
// how the client notices a runtime upgrade without reading ":code".
type RuntimeUpgrade struct {
	Block       header.Hash
	Number      uint32
	SpecVersion uint32
	SpecName    string
}

// DecodeLastRuntimeUpgrade decodes LastRuntimeUpgradeInfo {spec_version:
// Compact<u32>, spec_name: String}, refusing trailing bytes.
func DecodeLastRuntimeUpgrade(b []byte) (specVersion uint32, specName string, err error) {
	d := scale.NewDecoder(b)
	if specVersion, err = d.CompactU32(); err != nil {
		return 0, "", fmt.Errorf("LastRuntimeUpgrade spec_version: %w", err)
	}
	if specName, err = d.String(); err != nil {
		return 0, "", fmt.Errorf("LastRuntimeUpgrade spec_name: %w", err)
	}
	if err := d.Finish(); err != nil {
		return 0, "", fmt.Errorf("LastRuntimeUpgrade: %w", err)
	}
	return specVersion, specName, nil
}

// LastRuntimeUpgrade reads System.LastRuntimeUpgrade at the finalized block.
func (c *Client) LastRuntimeUpgrade(ctx context.Context) (*RuntimeUpgrade, error) {
	res, err := c.ReadStorage(ctx, [][]byte{LastRuntimeUpgradeKey})
	if err != nil {
		return nil, err
	}
	v := res.Values[0]
	if !v.Found {
		return nil, fmt.Errorf("%w (block %d)", ErrNoRuntimeUpgrade, res.Number)
	}
	ver, name, err := DecodeLastRuntimeUpgrade(v.Value)
	if err != nil {
		return nil, err
	}
	return &RuntimeUpgrade{Block: res.Block, Number: res.Number, SpecVersion: ver, SpecName: name}, nil
}

// RuntimeVersion returns the runtime of the finalized block: the hash and
// size of ":code" and the version its Wasm declares, all from storage proofs.
// The code (about 2 MB on Kusama) is read only when the runtime changed since
// the last call, as System.LastRuntimeUpgrade (a few bytes) tells; otherwise
// the stored code hash is returned.
func (c *Client) RuntimeVersion(ctx context.Context) (*RuntimeInfo, error) {
	up, err := c.LastRuntimeUpgrade(ctx)
	if err != nil && !errors.Is(err, ErrNoRuntimeUpgrade) {
		return nil, err
	}
	c.mu.Lock()
	cached := c.runtime
	c.mu.Unlock()
	if up != nil && cached != nil && cached.upgrade != nil && cached.upgrade.SpecVersion == up.SpecVersion && cached.upgrade.SpecName == up.SpecName {
		info := cached.info
		info.Block, info.Number = up.Block, up.Number
		return &info, nil
	}
	res, err := c.ReadStorage(ctx, [][]byte{CodeKey})
	if err != nil {
		return nil, err
	}
	v := res.Values[0]
	if !v.Found {
		return nil, fmt.Errorf("lightclient: no :code at block %d", res.Number)
	}
	info := RuntimeInfo{Block: res.Block, Number: res.Number, CodeHash: hash.Blake2b256(v.Value), CodeSize: len(v.Value)}
	info.Version, info.HasVersion, err = chainspec.ReadRuntimeVersion(v.Value)
	if err != nil {
		return &info, fmt.Errorf("lightclient: runtime at block %d: %w", res.Number, err)
	}
	c.mu.Lock()
	c.codeReads++
	c.runtime = &runtimeCache{info: info, upgrade: up}
	c.mu.Unlock()
	return &info, nil
}

type runtimeCache struct {
	info    RuntimeInfo
	upgrade *RuntimeUpgrade
}
