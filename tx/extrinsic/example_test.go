package extrinsic_test

import (
	"fmt"

	"github.com/ksm-wallet/ksm/tx/extrinsic"
)

func ExampleMortalEra() {
	// A transaction created at block 25,000,123 that should live ~100 blocks.
	era := extrinsic.MortalEra(100, 25_000_123)
	enc, _ := extrinsic.AppendEra(nil, era)
	fmt.Println(era, era.Birth(25_000_123), era.Death(25_000_123))
	fmt.Printf("%x\n", enc)
	// Output:
	// mortal(period=128, phase=59) 25000123 25000251
	// b603
}

func ExampleSigningBytes() {
	short := make([]byte, 200)
	long := make([]byte, 300)
	fmt.Println(len(extrinsic.SigningBytes(short)), len(extrinsic.SigningBytes(long)))
	// Output: 200 32
}
