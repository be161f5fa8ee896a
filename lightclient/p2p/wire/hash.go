package wire

import (
	"github.com/ksm-wallet/ksm/lightclient/header"
	"github.com/ksm-wallet/ksm/tx/hash"
)

func hashOf(b []byte) header.Hash { return hash.Blake2b256(b) }
