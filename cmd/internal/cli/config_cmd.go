package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ksm-wallet/ksm/cmd/internal/app"
	"github.com/ksm-wallet/ksm/cmd/internal/config"
)

// configValueJSON is the JSON of config get and config set: the key and
// its value in the file (null when it is not set).
type configValueJSON struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

func newConfigCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and change the configuration file under --home (default network, endpoints)",
		Long: `The configuration file, --home/config.json, holds what you would otherwise type
every time: the default network (key network) and a JSON-RPC endpoint per chain
(keys rpc.<chain>: rpc.kusama for the relay chain, rpc.kusama-asset-hub for its
Asset Hub, ...). Command-line flags win over KSM_* variables (KSM_NETWORK,
KSM_RPC, KSM_RELAY_RPC), which win over the file.`,
		Args: exactArgs(0),
	}
	cmd.AddCommand(newConfigGetCmd(f), newConfigListCmd(f), newConfigSetCmd(f), newConfigUnsetCmd(f))
	return cmd
}

// configHome is the home directory the configuration file lives in.
func configHome(f *Factory) (string, *config.File, error) {
	home, err := f.HomeDir()
	if err != nil {
		return "", nil, err
	}
	c, err := config.Load(home)
	if errors.Is(err, config.ErrInvalid) {
		return "", nil, app.Input(err)
	} else if err != nil {
		return "", nil, err
	}
	return home, c, nil
}

// configKeyRun is the run function of a command on the configuration key
// named by its first argument: the file and the key's canonical name are
// given to run (an unknown key exits 2).
func configKeyRun(f *Factory, run func(home string, c *config.File, key string, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		home, c, err := configHome(f)
		if err != nil {
			return err
		}
		k, err := config.CanonicalKey(args[0])
		if err != nil {
			return app.Input(err)
		}
		return run(home, c, k, args)
	}
}

func printConfigValue(f *Factory, key string, value string, set bool) error {
	out := configValueJSON{Key: key}
	if set {
		out.Value = &value
	}
	if f.Opts.JSON {
		return f.PrintJSON(out)
	}
	if set {
		fmt.Fprintln(f.IO.Out, value)
	}
	return nil
}

func newConfigGetCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print a key's value in the configuration file",
		Long: `Print the value of KEY in the configuration file (nothing when it is not set).
JSON: {key, value} (value null when not set). Exit 2 for an unknown key.`,
		Args: exactArgs(1),
		RunE: configKeyRun(f, func(home string, c *config.File, k string, args []string) error {
			v, ok, err := c.Get(k)
			if err != nil {
				return app.Input(err)
			}
			return printConfigValue(f, k, v, ok)
		}),
	}
}

func newConfigListCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the keys set in the configuration file",
		Long: `List the keys set in the configuration file, sorted, as KEY=VALUE lines; endpoint
URLs are shown without user info and query (ksm config get shows them whole).
JSON: [{key, value}].`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, c, err := configHome(f)
			if err != nil {
				return err
			}
			list := c.List()
			for i := range list {
				if list[i].Key != "network" {
					list[i].Value = redactRPC(list[i].Value)
				}
			}
			if f.Opts.JSON {
				if list == nil {
					list = []config.KV{}
				}
				return f.PrintJSON(list)
			}
			for _, kv := range list {
				fmt.Fprintf(f.IO.Out, "%s=%s\n", kv.Key, kv.Value)
			}
			return nil
		},
	}
}

func newConfigSetCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Set a key in the configuration file",
		Long: `Set KEY to VALUE in the configuration file, creating it (mode 0600, written
atomically) and --home (0700) when needed. Keys: network (an embedded network's
name or alias, or a chain-spec file, stored as its absolute path) and
rpc.<chain> (a ws, wss, http or https URL; <chain> an embedded chain: kusama,
kusama-asset-hub, polkadot, ...). JSON: {key, value} (the value as stored).
Exit 2 for an unknown key or a bad value.`,
		Args: exactArgs(2),
		RunE: configKeyRun(f, func(home string, c *config.File, k string, args []string) error {
			v, err := c.Set(k, args[1])
			if err != nil {
				return app.Input(err)
			}
			if err := c.Save(home); err != nil {
				return err
			}
			if f.Opts.JSON {
				return printConfigValue(f, k, v, true)
			}
			return nil
		}),
	}
}

func newConfigUnsetCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "unset KEY",
		Short: "Remove a key from the configuration file",
		Long: `Remove KEY from the configuration file (nothing to do when it is not set: no file
is created). JSON: {key, value: null}. Exit 2 for an unknown key.`,
		Args: exactArgs(1),
		RunE: configKeyRun(f, func(home string, c *config.File, k string, args []string) error {
			if _, ok, _ := c.Get(k); ok {
				if err := c.Unset(k); err != nil {
					return app.Input(err)
				}
				if err := c.Save(home); err != nil {
					return err
				}
			}
			if f.Opts.JSON {
				return printConfigValue(f, k, "", false)
			}
			return nil
		}),
	}
}
