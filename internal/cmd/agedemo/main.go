// Command agedemo does for `make demo` what the age tools do, with the age
// library the provider already uses, so that the demo needs no age binary:
//
//	go run ./internal/cmd/agedemo keygen FILE    like age-keygen -o FILE: writes a new X25519
//	                                                  identity to FILE and prints its recipient (age1...)
//	go run ./internal/cmd/agedemo decrypt FILE   like age -d -i FILE: decrypts the armored
//	                                                  ciphertext on stdin to stdout
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
)

const usage = "usage: agedemo keygen FILE | decrypt FILE"

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "agedemo:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 2 {
		return errors.New(usage)
	}
	switch args[0] {
	case "keygen":
		return keygen(args[1], stdout)
	case "decrypt":
		return decrypt(args[1], stdin, stdout)
	}
	return errors.New(usage)
}

// keygen writes an identity file in age-keygen's format, readable only by its owner.
func keygen(path string, stdout io.Writer) error {
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "# created: %s\n# public key: %s\n%s\n",
		time.Now().UTC().Format(time.RFC3339), identity.Recipient(), identity)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, identity.Recipient())
	return err
}

func decrypt(identityPath string, stdin io.Reader, stdout io.Writer) error {
	f, err := os.Open(identityPath)
	if err != nil {
		return err
	}
	defer f.Close()
	identities, err := age.ParseIdentities(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", identityPath, err)
	}
	r, err := age.Decrypt(armor.NewReader(stdin), identities...)
	if err != nil {
		return err
	}
	_, err = io.Copy(stdout, r)
	return err
}
