package cli

import "github.com/spf13/cobra"

// commandExamples are the Example texts of the commands that do not set
// their own, by command path. Every command has one (TestEveryCommandHasExample
// runs each example's command line through the command tree).
var commandExamples = map[string]string{
	"ksm": `  ksm                                   # on a terminal: the key browser
  ksm key new --name main
  ksm balance main
  ksm --json --network kusama-asset-hub stake status main`,
	"ksm account": `  ksm account main
  ksm --json account HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F`,
	"ksm balance": `  ksm balance                           # every key of the keystore
  ksm balance main
  ksm --json balance HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F`,

	"ksm batch": `  ksm batch plan payouts.csv --from treasury
  ksm batch run payouts.csv --from treasury --yes --json`,
	"ksm batch plan": `  ksm batch plan payouts.csv --from treasury
  ksm --json batch plan votes.jsonl`,
	"ksm batch run": `  ksm batch run payouts.csv --from treasury --yes --json
  ksm batch run votes.jsonl --journal votes.journal --resume
  ksm batch run payouts.jsonl --concurrency 50 --stop-on-error`,

	"ksm chain": `  ksm chain status
  ksm chain sync`,
	"ksm chain checkpoint": `  ksm chain checkpoint export kusama-checkpoint.json`,
	"ksm chain checkpoint export": `  ksm chain checkpoint export kusama-checkpoint.json      # after ksm chain sync
  ksm --json --network polkadot chain checkpoint export dot.json --yes`,
	"ksm chain status": `  ksm chain status
  ksm --json --network polkadot chain status`,
	"ksm chain sync": `  ksm chain sync
  ksm --json chain sync | tail -n 1`,

	"ksm multisig": `  ksm multisig new treasury --threshold 2 alice bob carol
  ksm transfer dave 10 --as treasury --from alice
  ksm multisig pending treasury
  ksm multisig approve treasury 0x1f2e…c3d4 --from bob`,
	"ksm proxy": `  ksm proxy add hot --type Staking --from stash
  ksm stake nominate HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --as stash --from hot
  ksm proxy list stash`,
	"ksm proxy pure": `  ksm proxy pure create --type Any --from main --name vault
  ksm proxy pure kill vault --from main`,

	"ksm claim": `  ksm claim status 0x1234567890abcdef1234567890abcdef12345678
  ksm claim submit --to main --eth-key-file eth.json`,
	"ksm claim attest": `  ksm --network kusama-asset-hub claim attest --from main`,
	"ksm claim message": `  ksm claim message --to main
  ksm claim message --to main --statement saft`,
	"ksm claim recover": `  ksm claim recover --to main --signature 0x…`,
	"ksm claim status": `  ksm claim status 0x1234567890abcdef1234567890abcdef12345678
  ksm --json claim status 0x1234567890abcdef1234567890abcdef12345678`,
	"ksm claim submit": `  ksm claim submit --to main --eth-key-file eth.json
  ksm claim submit --to main --eth-signature 0x… --dry-run`,

	"ksm config": `  ksm config set network polkadot
  ksm config list`,
	"ksm config get": `  ksm config get network
  ksm --json config get rpc.kusama`,
	"ksm config list": `  ksm config list
  ksm --json config list`,
	"ksm config set": `  ksm config set network kusama
  ksm config set rpc.kusama wss://kusama-rpc.example
  ksm config set rpc.kusama-asset-hub ws://127.0.0.1:9944`,
	"ksm config unset": `  ksm config unset rpc.kusama`,

	"ksm gov": `  ksm --network kusama-asset-hub gov referenda
  ksm --network kusama-asset-hub gov vote 12 aye --amount 10 --conviction 2x --from main`,
	"ksm gov delegate": `  ksm gov delegate 0 HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --amount 10 --conviction 1x --from main`,
	"ksm gov referenda": `  ksm gov referenda
  ksm --json gov referenda`,
	"ksm gov remove-vote": `  ksm gov remove-vote 12 --from main`,
	"ksm gov show":        `  ksm gov show 12`,
	"ksm gov tracks": `  ksm gov tracks
  ksm --json gov tracks`,
	"ksm gov undelegate": `  ksm gov undelegate 0 --from main`,
	"ksm gov unlock":     `  ksm gov unlock 0 --from main`,
	"ksm gov votes": `  ksm gov votes main
  ksm --json gov votes`,

	"ksm key": `  ksm key new --name main
  ksm key list`,
	"ksm key derive": `  ksm key derive main //stash --name stash`,
	"ksm key export": `  ksm key export main --keystore main.json`,
	"ksm key import": `  ksm key import --name old --suri-stdin < phrase.txt
  ksm key import --name pjs --keystore polkadot-js-export.json`,
	"ksm key inspect": `  ksm key inspect //Alice --prefix kusama
  ksm key inspect 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY --prefix 2
  ksm --json key inspect - < phrase.txt`,
	"ksm key list": `  ksm key list
  ksm --json key list`,
	"ksm key new": `  ksm key new --name main
  ksm key new --name ops --scheme ed25519 --words 24`,
	"ksm key remove": `  ksm key remove old
  ksm --yes key remove old`,
	"ksm key rename": `  ksm key rename old savings`,
	"ksm key show": `  ksm key show main
  ksm --json key show main`,
	"ksm key sign": `  ksm key sign main "hello"
  ksm --json key sign main 0x68656c6c6f --hex`,
	"ksm key verify": `  ksm key verify --public HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --signature 0x… "hello"`,
	"ksm key watch":  `  ksm key watch HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --name treasury`,

	"ksm metadata": `  ksm metadata inspect --metadata kusama.scale
  ksm metadata hash --metadata kusama.scale`,
	"ksm metadata hash": `  ksm metadata hash --metadata kusama.scale
  ksm --network polkadot metadata hash --metadata polkadot.scale --base58-prefix polkadot`,
	"ksm metadata inspect": `  ksm metadata inspect --metadata kusama.scale`,

	"ksm para": `  ksm para status 2000
  ksm para reserve --from main`,
	"ksm para contribute": `  ksm para contribute 2000 10 --from main`,
	"ksm para deregister": `  ksm para deregister 2000 --from main`,
	"ksm para refund":     `  ksm para refund 2000 --from main`,
	"ksm para register":   `  ksm para register 2000 --genesis-head head.bin --validation-code code.wasm --from main`,
	"ksm para reserve":    `  ksm para reserve --from main`,
	"ksm para status": `  ksm para status 2000
  ksm --json para status 1000`,
	"ksm para withdraw": `  ksm para withdraw 2000 --from main`,

	"ksm pool": `  ksm --network kusama-asset-hub pool join 10 1 --from main
  ksm --network kusama-asset-hub pool status main`,
	"ksm pool bond-extra": `  ksm pool bond-extra 5 --from main
  ksm pool bond-extra rewards --from main`,
	"ksm pool claim": `  ksm pool claim --from main`,
	"ksm pool join":  `  ksm --network kusama-asset-hub pool join 10 1 --from main`,
	"ksm pool status": `  ksm pool status main
  ksm --json pool status`,
	"ksm pool unbond": `  ksm pool unbond 5 --from main
  ksm pool unbond all --from main`,
	"ksm pool withdraw": `  ksm pool withdraw --from main`,

	"ksm query": `  ksm query storage System Number`,
	"ksm query storage": `  ksm query storage System Number
  ksm --json query storage System Account HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F`,

	"ksm stake": `  ksm --network kusama-asset-hub stake status main
  ksm --network kusama-asset-hub stake bond 10 --from main --payee staked`,
	"ksm stake bond-extra": `  ksm stake bond-extra 5 --from main`,
	"ksm stake chill":      `  ksm stake chill --from main`,
	"ksm stake nominate":   `  ksm stake nominate HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F FoQJpPyadYccjavVdTWxpxU7rUEaYhfLCPwXgkfD6Zat9QP --from main`,
	"ksm stake payee": `  ksm stake payee staked --from main
  ksm stake payee account:HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --from main`,
	"ksm stake payout": `  ksm stake payout HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F 7000 --from main
  ksm stake payout --all --from main`,
	"ksm stake rebond": `  ksm stake rebond 5 --from main
  ksm stake rebond all --from main`,
	"ksm stake status": `  ksm stake status main
  ksm --json stake status`,
	"ksm stake unbond": `  ksm stake unbond 5 --from main
  ksm stake unbond all --from main`,
	"ksm stake withdraw": `  ksm stake withdraw --from main`,

	"ksm tx": `  ksm tx call System.remark --args '{"remark":"0x68656c6c6f"}' --from main
  ksm tx decode --metadata kusama.scale 0x…`,
	"ksm tx build": `  ksm tx build --metadata kusama.scale --call '{"pallet":"System","name":"remark","args":{"remark":"0x00"}}' \
    --from HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F --nonce 0 --genesis-hash 0x… --block-hash 0x… \
    --block-number 1 --spec-version 1 --tx-version 1 --out tx.json`,
	"ksm tx decode":         `  ksm tx decode --metadata kusama.scale 0x…`,
	"ksm tx decode-call":    `  ksm tx decode-call --metadata kusama.scale 0x0000…`,
	"ksm tx decode-payload": `  ksm tx decode-payload --metadata kusama.scale 0x…`,
	"ksm tx sign": `  ksm tx sign tx.json --from main --metadata kusama.scale
  ksm --json tx sign tx.json --from main --metadata kusama.scale --yes`,
	"ksm tx submit": `  ksm tx submit 0x…
  ksm --json tx submit "$(cat signed.hex)"
  ksm --json tx submit 0x… --dry-run          # the chain it goes to, decoded call and fee
  ksm tx submit 0x… --chain relay`,

	"ksm verify": `  ksm verify checkpoint
  ksm verify header header.scale`,
	"ksm verify checkpoint": `  ksm verify checkpoint
  ksm verify checkpoint --chain-spec kusama.json`,
	"ksm verify genesis": `  ksm verify genesis --chain-spec kusama.json
  ksm --network polkadot verify genesis`,
	"ksm verify header": `  ksm verify header header.scale
  ksm --json verify header 0x…`,
	"ksm verify justification": `  ksm verify justification --justification just.scale --set-id 7 --authorities authorities.json`,
	"ksm verify proof":         `  ksm verify proof --root 0x… --proof proof.json --key 0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac`,
	"ksm version": `  ksm version
  ksm --json version`,
}

// addExamples gives every command below cmd without an Example its entry
// of commandExamples.
func addExamples(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		addExamples(c)
	}
	if cmd.Example == "" {
		cmd.Example = commandExamples[cmd.CommandPath()]
	}
}
