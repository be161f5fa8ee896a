package storage_test

import (
	"encoding/hex"
	"fmt"

	"github.com/ksm-wallet/ksm/tx/storage"
)

func ExamplePrefix() {
	fmt.Println(hex.EncodeToString(storage.Prefix("System", "Account")))
	// Output:
	// 26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9
}
