package calls

import (
	"math/big"

	"github.com/ksm-wallet/ksm/tx/value"
)

// Reserve is Registrar.reserve(): reserves the next free para id for the
// sender against Registrar.ParaDeposit.
func (b *Builder) Reserve() ([]byte, error) {
	return b.Call("Registrar", "reserve", value.Object{})
}

// Register is Registrar.register(id, genesis_head, validation_code).
func (b *Builder) Register(id uint32, genesisHead, code []byte) ([]byte, error) {
	return b.Call("Registrar", "register", value.Object{
		{Name: "id", Value: id}, {Name: "genesis_head", Value: genesisHead}, {Name: "validation_code", Value: code},
	})
}

// Deregister is Registrar.deregister(id).
func (b *Builder) Deregister(id uint32) ([]byte, error) {
	return b.Call("Registrar", "deregister", value.Object{{Name: "id", Value: id}})
}

// Contribute is Crowdloan.contribute(index, value, signature=None).
func (b *Builder) Contribute(index uint32, amount *big.Int) ([]byte, error) {
	return b.Call("Crowdloan", "contribute", value.Object{{Name: "index", Value: index}, {Name: "value", Value: amount}, {Name: "signature", Value: nil}})
}

// CrowdloanWithdraw is Crowdloan.withdraw(who, index).
func (b *Builder) CrowdloanWithdraw(who [32]byte, index uint32) ([]byte, error) {
	return b.Call("Crowdloan", "withdraw", value.Object{{Name: "who", Value: b.Dest(who)}, {Name: "index", Value: index}})
}

// Refund is Crowdloan.refund(index).
func (b *Builder) Refund(index uint32) ([]byte, error) {
	return b.Call("Crowdloan", "refund", value.Object{{Name: "index", Value: index}})
}
