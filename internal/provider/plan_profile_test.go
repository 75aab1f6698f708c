//go:build unix

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// BenchmarkNoChangePlan times a plan with refresh and no changes of ten
// clients through the real CLI, with the provider served in this process and
// the CLI attached to it, so that
//
//	TF_ACC=1 go test -run '^$' -bench NoChangePlan -cpuprofile cpu.out ./internal/provider
//
// profiles the provider's own work: validate, configure, read and plan of each
// client, and what the plugin framework does for them. The CLI's work is in
// its own process and not in the profile; cpu-ns/client is this process's CPU
// time per client and plan. Unix only, for its CPU clock.
func BenchmarkNoChangePlan(b *testing.B) {
	if os.Getenv("TF_ACC") == "" {
		b.Skip("set TF_ACC=1 to run the CLI")
	}
	// As main does when no TF_LOG variable asks for logs.
	for _, name := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		b.Setenv(name, "off")
	}
	emu := emulatortest.Start(b, emulator.Options{Tokens: []string{testTokenA}})
	w := acctest.NewWorkspace(b)
	w.SetEnv("TF_REATTACH_PROVIDERS", serveInProcess(b, map[string]string{"FLEXSLOT_BASE_URL": emu.URL, "FLEXSLOT_PAT": testTokenA}))

	const n = 10
	clients := make([]*tfconfig.Block, n)
	for i := range n {
		clients[i] = oauth2Client(fmt.Sprintf("c%d", i), "confidential", fmt.Sprintf("Client %d", i),
			[]string{"https://app.example.com/cb", "http://127.0.0.1:8080/cb"}, []string{"cards:read", "decks:read"})
	}
	w.WriteConfig(cliConfig(clients...))
	w.Apply().RequireSuccess(b)

	b.ResetTimer()
	before := processCPU(b)
	for range b.N {
		if r := w.Plan("-detailed-exitcode"); r.ExitCode != 0 {
			b.Fatalf("plan exited %d, want no changes:\n%s\n%s", r.ExitCode, r.Stdout, r.Stderr)
		}
	}
	// This process's CPU time: the provider's, and the emulator's one list per plan.
	b.ReportMetric(float64(processCPU(b)-before)/float64(b.N*n), "cpu-ns/client")
}

// processCPU is the CPU time this process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serveInProcess serves the provider from this process until the benchmark
// ends and returns the TF_REATTACH_PROVIDERS value that attaches a CLI to it.
func serveInProcess(b *testing.B, env map[string]string) string {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve("registry.terraform.io/flexslot/flexslot", providerserver.NewProtocol6(New("bench", WithEnv(env))()),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			b.Error(err)
		}
	}()
	b.Cleanup(func() {
		cancel()
		<-closed
	})
	cfg := <-reattach
	attach := map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}
	value, err := json.Marshal(map[string]any{
		"registry.terraform.io/flexslot/flexslot": attach,
		"registry.opentofu.org/flexslot/flexslot": attach,
	})
	if err != nil {
		b.Fatal(err)
	}
	return string(value)
}
