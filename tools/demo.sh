#!/usr/bin/env bash
# make demo: the provider's main job, end to end, against the local Flexslot
# emulator. Builds what is missing, starts the emulator on a free loopback port,
# then in a copy of examples/quickstart/: apply, a plan that must show no
# changes, a secret rotation; then the encrypted variant in a copy of
# examples/guides/secret-recipients/ (a client whose secret only an age identity made for the
# demo can decrypt); the delivery chain in a copy of
# examples/guides/delivering-client-secrets/ (the secret decrypted in memory and
# handed to a deploy step, rotated by rotation_period, in no state or plan
# file; OpenTofu or Terraform 1.11+); and destroy. Secrets are always shown masked. Everything
# runs in a temporary directory with its own CLI configuration
# (TF_CLI_CONFIG_FILE), removed at the end, and the emulator is stopped, on
# failure too.
#
#   DEMO_CLI=tofu (default) or DEMO_CLI=terraform
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/versions.env
. tools/versions.env

cli_name=${DEMO_CLI:-tofu}
case $cli_name in
tofu | terraform) ;;
*)
	echo "demo: DEMO_CLI must be tofu or terraform, not $cli_name" >&2
	exit 2
	;;
esac
command -v curl >/dev/null || { echo "demo: curl is required" >&2; exit 1; }

bold=$'\e[1m' reset=$'\e[0m'
[ -t 1 ] || bold='' reset=''
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$reset"; }
say() { printf '   %s\n' "$*"; }
die() { printf '\ndemo: FAILED: %s\n' "$*" >&2; exit 1; }
# mask shows the first 10 characters of a secret, and a short fingerprint so
# that two secrets can be told apart (their first characters are a timestamp).
mask() {
	if [ -z "$1" ]; then printf '(none)'; return; fi
	printf '%s… (sha256 %s)' "${1:0:10}" "$(printf '%s' "$1" | sha256sum | cut -c1-8)"
}
# Whatever a command prints, no client secret gets through whole.
redact() { sed -E 's/(flx_cs_[A-Za-z0-9]{3})[A-Za-z0-9_-]+/\1…/g'; }

start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-demo.XXXXXX")
emulator_pid=
cleanup() {
	local rc=$?
	if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$emulator_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	if [ $rc -ne 0 ] && [ -s "$work/emulator.log" ]; then
		echo "demo: emulator log:" >&2
		tail -n 20 "$work/emulator.log" | redact >&2
	fi
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
step "Building what is missing"
./tools/install.sh "$cli_name" time
cli=$(go run ./internal/cmd/clisetup path "$cli_name")
# The provider in $work/bin and a CLI configuration that serves it, and
# hashicorp/time from the local mirror: nothing comes from a registry.
cli_env=$(go run ./internal/cmd/clisetup cli-config "$work")
eval "$cli_env"
say "$("$cli" version 2>/dev/null | head -n 1), hashicorp/time v$TIME_PROVIDER_VERSION in the local mirror"
go build -o "$work/flexslot-emulator" ./internal/cmd/emulator
# What age-keygen and age -d do, with the age library the provider uses.
go build -o "$work/agedemo" ./internal/cmd/agedemo
say "provider, emulator and age helper built from this checkout"

# ---------------------------------------------------------------------------
step "Starting the Flexslot emulator"
token=flx_pat_dev
"$work/flexslot-emulator" -listen 127.0.0.1:0 -token "$token" -state "$work/emulator-state.json" \
	>"$work/emulator.log" 2>&1 &
emulator_pid=$!
url=
for _ in $(seq 100); do
	url=$(sed -n 's|^listening on \(http://[^[:space:]]*\)$|\1|p' "$work/emulator.log" | head -n 1)
	[ -n "$url" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || die "the emulator did not start"
	sleep 0.1
done
[ -n "$url" ] || die "the emulator did not report its address"
say "listening on $url (state in a temporary directory)"
export FLEXSLOT_BASE_URL="$url" FLEXSLOT_PAT="$token"
say "FLEXSLOT_BASE_URL=$url FLEXSLOT_PAT=$token"

api() { curl -sS --fail-with-body -H "Authorization: Bearer $FLEXSLOT_PAT" "$url/api/public/v1/me/partner/oauth2-clients$1"; }
# secret_works asks the emulator, acting as Flexslot's token endpoint, whether a secret is accepted.
secret_works() { # client_id, secret
	printf '{"client_id":"%s","client_secret":"%s"}' "$1" "$2" |
		curl -sS --fail-with-body -H 'Content-Type: application/json' --data-binary @- "$url/_emulator/verify-secret" |
		grep -q '"valid": *true'
}

for example in examples/quickstart examples/guides/secret-recipients examples/guides/delivering-client-secrets; do
	cp -R "$example" "$work/"
	copy="$work/$(basename "$example")"
	rm -rf "$copy/.terraform" "$copy/.terraform.lock.hcl" "$copy"/terraform.tfstate*
done
# The commands below run in $chdir.
chdir="$work/quickstart"
run() { "$cli" -chdir="$chdir" "$@" -no-color 2>&1 | redact; return "${PIPESTATUS[0]}"; }
# logged runs a command into a log; on failure it shows the whole log and stops.
logged() { # log name, command args...
	local log="$work/$1.log"
	shift
	run "$@" >"$log" || { sed 's/^/   /' "$log"; die "$cli_name $1 failed"; }
}
out() { "$cli" -chdir="$chdir" output -raw "$1"; }

# ---------------------------------------------------------------------------
step "$cli_name init (in a copy of examples/quickstart/)"
logged init init -input=false
grep -E '^- (Installed|Using)' "$work/init.log" | sed 's/^/   /' || true
say "flexslot/flexslot comes from the local build (dev_overrides)"

# ---------------------------------------------------------------------------
step "$cli_name apply: a confidential web client, a public CLI client, and the client list"
logged apply1 apply -input=false -auto-approve
sed -n '/will perform the following actions/,$p' "$work/apply1.log" | sed 's/^/   /'
web_id=$(out web_client_id)
cli_id=$(out cli_client_id)
secret1=$(out web_client_secret)
rotated1=$(out web_secret_rotated_at)
[[ $secret1 == flx_cs_* ]] || die "the web client has no secret in state"
say
say "${bold}What you got${reset}"
say "web client  $web_id  secret $(mask "$secret1")  (issued $rotated1, kept as sensitive state)"
say "cli client  $cli_id  public: no secret, PKCE only"
listed=$("$cli" -chdir="$chdir" output -json clients)
[[ $listed == *"$web_id"* && $listed == *"$cli_id"* ]] || die "the clients output does not list both clients"
say "the flexslot_oauth2_clients data source lists both clients"
secret_works "$web_id" "$secret1" || die "Flexslot does not accept the secret in state"
say "Flexslot accepts the web client's secret from state: yes"

# ---------------------------------------------------------------------------
step "$cli_name plan again: nothing to change"
set +e
run plan -input=false -detailed-exitcode >"$work/plan.log"
plan_rc=$?
set -e
grep -E '^(No changes|Plan:)' "$work/plan.log" | sed 's/^/   /' || true
if [ $plan_rc -ne 0 ]; then
	sed 's/^/   /' "$work/plan.log"
	die "the second plan is not empty (exit code $plan_rc): the provider drifts"
fi

# ---------------------------------------------------------------------------
step "$cli_name apply -var secret_generation=2: rotate the web client's secret"
logged apply2 apply -input=false -auto-approve -var secret_generation=2
sed -n '/will perform the following actions/,/^Plan:/p' "$work/apply2.log" | sed 's/^/   /'
grep -E '(Modifying|Modifications complete|Apply complete|Warning)' "$work/apply2.log" | sed 's/^/   /' || true
web_id2=$(out web_client_id)
secret2=$(out web_client_secret)
rotated2=$(out web_secret_rotated_at)
say
say "client_id before  $web_id  secret $(mask "$secret1")"
say "client_id after   $web_id2  secret $(mask "$secret2")  (issued $rotated2)"
[ "$web_id" = "$web_id2" ] || die "rotation changed the client_id"
if [ -z "$secret2" ] || [ "$secret1" = "$secret2" ]; then die "rotation did not issue a new secret"; fi
secret_works "$web_id" "$secret2" || die "Flexslot does not accept the new secret"
if secret_works "$web_id" "$secret1"; then die "the old secret still works after rotation"; fi
say "same client, new secret; Flexslot accepts the new one and refuses the old one"

# ---------------------------------------------------------------------------
step "The encrypted variant: secret_recipients keeps the plaintext secret out of state"
mkdir -m 700 "$work/age"
recipient=$("$work/agedemo" keygen "$work/age/key.txt") || die "could not generate an age identity"
say "age identity in a temporary key.txt (as age-keygen -o key.txt makes it), recipient $recipient"
chdir="$work/secret-recipients"
recipients="secret_recipients=[\"$recipient\"]"
logged init-encrypted init -input=false
say "$cli_name apply -var '$recipients' (in a copy of examples/guides/secret-recipients/)"
logged apply-encrypted apply -input=false -auto-approve -var "$recipients"
# The plan: no client_secret at all, the ciphertext known after apply.
sed -n '/will perform the following actions/,/^Plan:/p' "$work/apply-encrypted.log" | awk '
	/^ *\+ secret_recipients / { recipients = 1 }
	recipients || /^ *# / || /^ *\+ (client_id|client_secret|client_secret_encrypted) / || /^Plan:/ { print "   " $0 }
	recipients && /^ *\]/ { recipients = 0 }
'
sealed_id=$(out api_client_id)
grep -q '"client_secret": null' "$chdir/terraform.tfstate" || die "client_secret is not null in state with secret_recipients"
out api_client_secret_encrypted >"$work/age/secret.age"
grep -q '^-----BEGIN AGE ENCRYPTED FILE-----$' "$work/age/secret.age" || die "client_secret_encrypted is not armored age ciphertext"
sealed_secret=$("$work/agedemo" decrypt "$work/age/key.txt" <"$work/age/secret.age") ||
	die "the identity does not decrypt client_secret_encrypted"
[[ $sealed_secret == flx_cs_* ]] || die "client_secret_encrypted does not hold a client secret"
if grep -qsF "$sealed_secret" "$chdir"/terraform.tfstate*; then die "the plaintext secret is in the state file"; fi
say
say "client      $sealed_id"
say "state       client_secret null; client_secret_encrypted $(wc -l <"$work/age/secret.age") lines of age ciphertext:"
say "            $(head -n 1 "$work/age/secret.age")"
say "            the plaintext secret is nowhere in terraform.tfstate"
say "decrypted   $(mask "$sealed_secret")  ($cli_name output -raw api_client_secret_encrypted | age -d -i key.txt)"
secret_works "$sealed_id" "$sealed_secret" || die "Flexslot does not accept the decrypted secret"
say "Flexslot accepts the decrypted secret: yes"
logged destroy-encrypted destroy -input=false -auto-approve -var "$recipients"
say "$cli_name destroy: $sealed_id revoked"

# ---------------------------------------------------------------------------
step "The delivery chain: Flexslot → age ciphertext in state → a consumer, plaintext in no state"
# sed, not head: head exits after one line, and with pipefail the CLI's SIGPIPE
# on its next line would fail the assignment.
cli_version=$("$cli" version 2>/dev/null | sed -En '1s/^[^0-9]*v?([0-9]+\.[0-9]+).*/\1/p')
if [ "$(printf '%s\n' "$cli_version" 1.11 | sort -V | head -n 1)" != 1.11 ]; then
	say "skipped: ephemeral resources and write-only arguments need Terraform or OpenTofu 1.11+, not $cli_version"
else
	chdir="$work/delivering-client-secrets"
	# The consumer: a deploy script that keeps what it receives outside the workspace.
	mkdir -m 700 "$work/consumer"
	cat >"$chdir/deploy-secret.sh" <<SCRIPT
#!/bin/sh
set -eu
test -n "\$FLEXSLOT_CLIENT_SECRET"
umask 077
printf '%s' "\$FLEXSLOT_CLIENT_SECRET" >"$work/consumer/client_secret"
SCRIPT
	chmod 700 "$chdir/deploy-secret.sh"
	vars=(-var "secret_recipient=$recipient" -var deliver_client_secret=true)
	# Ephemeral: only in this environment, never in a file the CLI writes.
	TF_VAR_flexslot_identity=$(cat "$work/age/key.txt")
	export TF_VAR_flexslot_identity
	identity_key=$(grep '^AGE-SECRET-KEY-' "$work/age/key.txt")
	delivered() { cat "$work/consumer/client_secret"; }
	# no_plaintext fails if a state, backup or plan file holds a secret or the identity.
	no_plaintext() {
		local f
		for f in "$chdir"/terraform.tfstate* "$chdir"/*.tfplan; do
			[ -e "$f" ] || continue
			if grep -qF -e flx_cs_ -e "$identity_key" "$f"; then die "$(basename "$f") holds a secret or the identity"; fi
		done
	}
	logged init-chain init -input=false
	say "$cli_name apply (in a copy of examples/guides/delivering-client-secrets/), identity in TF_VAR_flexslot_identity"
	logged apply-chain apply -input=false -auto-approve "${vars[@]}"
	state_value() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$chdir/terraform.tfstate" | head -n 1; }
	chain_id=$(state_value client_id)
	chain1=$(delivered)
	secret_works "$chain_id" "$chain1" || die "Flexslot does not accept the secret the deploy step received"
	no_plaintext
	say "client      $chain_id  secret_version $(state_value secret_version)"
	say "consumer    received $(mask "$chain1") through local-exec; Flexslot accepts it: yes"
	say "state       no client secret and no identity in terraform.tfstate"

	# The secret ages past rotation_period (90d) at Flexslot: the next plan rotates.
	printf '{"secret_rotated_at":"%s"}' "$(date -u -d '-100 days' +%Y-%m-%dT%H:%M:%SZ)" |
		curl -sS --fail-with-body -H 'Content-Type: application/json' --data-binary @- \
			"$url/_emulator/clients/$chain_id/backdate" >/dev/null || die "could not backdate the secret"
	say "the emulator now says the secret was issued 100 days ago"
	logged plan-chain plan -input=false -out=rotate.tfplan "${vars[@]}"
	# The warning's detail, the paragraph after its source location.
	awk '/Warning: Applying this plan rotates the client secret/ { w = 1; print; next }
		w && /^[[:space:]]*$/ { blank++; if (blank == 3) exit; next }
		w && blank == 2 { print }' "$work/plan-chain.log" | sed 's/^/   /'
	grep -E '^Plan:' "$work/plan-chain.log" | sed 's/^/   /'
	logged apply-rotate apply -input=false -auto-approve rotate.tfplan
	chain2=$(delivered)
	[ "$chain1" != "$chain2" ] || die "the deploy step did not receive a new secret"
	secret_works "$chain_id" "$chain2" || die "Flexslot does not accept the rotated secret the deploy step received"
	if secret_works "$chain_id" "$chain1"; then die "the old secret still works after rotation"; fi
	no_plaintext
	say "consumer    received $(mask "$chain2") in the same apply (secret_version $(state_value secret_version)); Flexslot accepts it and refuses the old one"
	say "files       terraform.tfstate, terraform.tfstate.backup and rotate.tfplan hold no secret and no identity"
	logged destroy-chain destroy -input=false -auto-approve "${vars[@]}"
	unset TF_VAR_flexslot_identity
	say "$cli_name destroy: $chain_id revoked"
fi
chdir="$work/quickstart"

# ---------------------------------------------------------------------------
step "$cli_name destroy: revoke the quickstart's two clients"
logged destroy destroy -input=false -auto-approve
grep -E '(Destroying|Destruction complete|Destroy complete|Warning)' "$work/destroy.log" | sed 's/^/   /' || true
remaining=$(api "" | tr -d ' \n')
[ "$remaining" = '[]' ] || die "the emulator still lists clients: $remaining"
say "the emulator lists no clients: both are revoked"

step "Done in $((SECONDS - start))s"
say "The emulator is stopped and the temporary directory (state with secrets included) removed."
say "Next: CONTRIBUTING.md explains how to run the emulator by hand (make emulator) and the tests (make test)."
