// Command flexslot-emulator serves an emulator of Flexslot's partner OAuth2
// client management API for local development, demos and tests.
//
// Switches for what the contract only assumes:
//
//	-without-update          PATCH /{client_id} answers 405, as if Flexslot had no update endpoint
//	-without-delete          DELETE /{client_id} answers 405, as if Flexslot had no revoke endpoint;
//	                         POST /_emulator/clients/{client_id}/revoke revokes, as the dashboard does
//	-ignore-idempotency-key  the Idempotency-Key header is ignored: a re-sent POST acts again
//	-list-revoked            revoked clients stay in the list with status "revoked"
//	-grant-scope SCOPE       grant a scope outside the published catalog to every partner (repeatable)
//
// See the emulator package for the partner and control APIs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "flexslot-emulator:", err)
		os.Exit(1)
	}
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func run(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("flexslot-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:8484", "address to listen on (host:port; port 0 picks a free port)")
	statePath := flags.String("state", "", "JSON file to keep state in across restarts (default: memory only)")
	allowRemote := flags.Bool("allow-remote", false, "allow listening on a non-loopback address")
	withoutUpdate := flags.Bool("without-update", false, "answer PATCH /{client_id} with 405, as if Flexslot had no update endpoint")
	withoutDelete := flags.Bool("without-delete", false, "answer DELETE /{client_id} with 405, as if Flexslot had no revoke endpoint")
	ignoreIdempotencyKey := flags.Bool("ignore-idempotency-key", false, "ignore the Idempotency-Key header: a re-sent POST acts again")
	listRevoked := flags.Bool("list-revoked", false, `keep revoked clients in the list, with status "revoked"`)
	var tokens, grantedScopes stringList
	flags.Var(&tokens, "token", "a partner's Personal Access Token; repeat for more partners (default: $FLEXSLOT_PAT or "+emulator.DefaultToken+")")
	flags.Var(&grantedScopes, "grant-scope", "a scope outside the published catalog granted to every partner, such as decks:read-all; repeat for more")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(flags.Args(), " "))
	}
	if err := checkLoopback(*listen, *allowRemote); err != nil {
		return err
	}

	server, err := emulator.New(emulator.Options{
		Tokens:               tokens,
		StatePath:            *statePath,
		GrantedScopes:        grantedScopes,
		WithoutUpdate:        *withoutUpdate,
		WithoutDelete:        *withoutDelete,
		IgnoreIdempotencyKey: *ignoreIdempotencyKey,
		ListRevoked:          *listRevoked,
	})
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	httpServer := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", listener.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkLoopback refuses non-loopback addresses unless allowed: the control API
// has no authentication.
func checkLoopback(address string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("invalid -listen address %q: %w", address, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: it is not a loopback address and the unauthenticated /_emulator/ control API would be reachable from other machines; pass -allow-remote to do it anyway", address)
}
