package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// A secret encrypted to the recipient keygen prints decrypts with its identity file.
func TestKeygenDecrypt(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key.txt")
	var out bytes.Buffer
	if err := run([]string{"keygen", key}, nil, &out); err != nil {
		t.Fatal(err)
	}
	recipient, err := age.ParseX25519Recipient(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("keygen printed %q: %v", out.String(), err)
	}
	var sealed bytes.Buffer
	aw := armor.NewWriter(&sealed)
	w, err := age.Encrypt(aw, recipient)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(w, "flx_cs_secret")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := run([]string{"decrypt", key}, &sealed, &plain); err != nil {
		t.Fatal(err)
	}
	if plain.String() != "flx_cs_secret" {
		t.Errorf("decrypted %q", plain.String())
	}
	if err := run([]string{"keygen", key}, nil, io.Discard); err == nil {
		t.Error("keygen overwrote an existing identity file")
	}
}
