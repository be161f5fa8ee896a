package cli

import (
	"errors"

	"github.com/ksm-wallet/ksm/lightclient/rpc"
)

type rpcHash = rpc.Hash

func isRPCNotFound(err error) bool { return errors.Is(err, rpc.ErrNotFound) }
