package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/flexslot/terraform-provider-flexslot/internal/devcli"
)

// The go-plugin handshake a CLI performs with a protocol 6 provider.
const (
	magicCookieKey   = "TF_PLUGIN_MAGIC_COOKIE"
	magicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
	schemaMethod     = "/tfplugin6.Provider/GetProviderSchema"
)

// startup is one start of the provider binary as a CLI would start it.
type startup struct {
	handshake   time.Duration // exec to the handshake line on stdout
	schema      time.Duration // exec to the GetProviderSchema response
	schemaBytes int
	hwmKiB      int // peak resident set size once the schema was served
}

// measureStartup starts the provider with the plugin handshake environment,
// waits for the handshake line, asks for the schema over gRPC, reads the
// process's peak memory and kills it.
func (b *bench) measureStartup() (startup, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.provider.Binary)
	cmd.Env = append(b.environ(),
		magicCookieKey+"="+magicCookieValue,
		"PLUGIN_PROTOCOL_VERSIONS=6",
		"PLUGIN_UNIX_SOCKET_DIR="+b.root,
	)
	devcli.OwnProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return startup{}, err
	}

	var st startup
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return st, err
	}
	defer func() {
		_ = devcli.KillProcessGroup(cmd.Process.Pid)
		_ = cmd.Wait()
	}()

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return st, fmt.Errorf("reading the plugin handshake: %w", err)
	}
	st.handshake = time.Since(start)
	// CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|CERT
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 || parts[1] != "6" || parts[4] != "grpc" {
		return st, fmt.Errorf("unexpected plugin handshake %q", line)
	}
	target := parts[3]
	if parts[2] == "unix" {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return st, err
	}
	defer conn.Close()
	var resp rawMessage
	// GetProviderSchema.Request has no fields: its encoding is empty.
	if err := conn.Invoke(ctx, schemaMethod, &rawMessage{}, &resp, grpc.ForceCodec(rawCodec{})); err != nil {
		return st, fmt.Errorf("GetProviderSchema: %w", err)
	}
	st.schema = time.Since(start)
	st.schemaBytes = len(resp)
	if !strings.Contains(string(resp), "flexslot_oauth2_client") {
		return st, fmt.Errorf("the schema served does not mention flexslot_oauth2_client")
	}
	if kib, ok := vmHWM(cmd.Process.Pid); ok {
		st.hwmKiB = kib
	}
	return st, nil
}

// rawMessage and rawCodec pass protobuf bytes through unparsed, so the bench
// needs none of the CLI protocol's generated code.
type rawMessage []byte

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(*rawMessage)
	if !ok {
		return nil, fmt.Errorf("rawCodec cannot marshal %T", v)
	}
	return *m, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(*rawMessage)
	if !ok {
		return fmt.Errorf("rawCodec cannot unmarshal into %T", v)
	}
	*m = append((*m)[:0], data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }
