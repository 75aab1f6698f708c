package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
	"github.com/flexslot/terraform-provider-flexslot/internal/flexslot"
)

const (
	testTokenA = "flx_pat_acc_partner_a"
	testTokenB = "flx_pat_acc_partner_b"
)

var (
	clientIDRegexp = regexp.MustCompile(`^cli_[0-9A-HJKMNP-TV-Z]{26}$`)
	secretRegexp   = regexp.MustCompile(`^flx_cs_[0-9A-Za-z]{58,}$`)
)

// testEmulator is an emulator of the Flexslot API for one test, with two partners.
type testEmulator struct {
	*emulatortest.Instance
}

func newTestEmulator(t *testing.T) *testEmulator {
	t.Helper()
	return newTestEmulatorWith(t, emulator.Options{})
}

// newTestEmulatorWith starts an emulator for partners A and B with the given switches.
func newTestEmulatorWith(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	opts.Tokens = []string{testTokenA, testTokenB}
	return &testEmulator{emulatortest.Start(t, opts)}
}

// env points the provider at this emulator as partner A.
func (e *testEmulator) env() map[string]string {
	return map[string]string{"FLEXSLOT_BASE_URL": e.URL, "FLEXSLOT_PAT": testTokenA}
}

func (e *testEmulator) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return testProviderFactories(e.env())
}

// apiClient is a Flexslot client acting for partner A outside Terraform, as the dashboard would.
func (e *testEmulator) apiClient(t *testing.T) *flexslot.Client {
	t.Helper()
	c, err := flexslot.NewClient(flexslot.Config{BaseURL: e.URL, Token: testTokenA, UserAgent: "acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNoClientsLeft is a CheckDestroy: every partner's client list is empty.
func (e *testEmulator) checkNoClientsLeft(*terraform.State) error {
	for _, token := range []string{testTokenA, testTokenB} {
		if clients := e.Server.Clients(token); len(clients) != 0 {
			return fmt.Errorf("%d clients left at the emulator after destroy, first %s", len(clients), clients[0].ClientID)
		}
	}
	return nil
}

// requestCounts counts the partner API requests since the log was last cleared,
// by operation: list, get, create, update, rotate, revoke.
func (e *testEmulator) requestCounts() map[string]int {
	counts := map[string]int{}
	for _, r := range e.Server.Requests() {
		counts[r.Operation]++
	}
	return counts
}

// extraLists counts the lists in the log beyond want that no reuse window
// explains: a read that starts more than a second after a list came back
// lists again, as it should, which the CLI makes happen on a loaded machine
// when it reads that much later than it configured the provider. A list that
// arrived less than a second after the one before it is never explained.
func (e *testEmulator) extraLists(want int) int {
	var lists []time.Time
	for _, r := range e.Server.Requests() {
		if r.Operation == emulator.OperationList {
			lists = append(lists, r.At)
		}
	}
	slices.SortFunc(lists, time.Time.Compare)
	late := 0
	for i := 1; i < len(lists); i++ {
		if lists[i].Sub(lists[i-1]) > time.Second {
			late++
		}
	}
	return max(len(lists)-want-late, 0)
}

// expectWrites checks that the step made exactly these writes (reads are not counted).
func (e *testEmulator) expectWrites(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := e.requestCounts()
		for _, kind := range []string{emulator.OperationCreate, emulator.OperationRotate, emulator.OperationUpdate, emulator.OperationRevoke} {
			if got[kind] != want[kind] {
				return fmt.Errorf("%s requests: got %d, want %d (all: %v)", kind, got[kind], want[kind], got)
			}
		}
		return nil
	}
}

// checkSecretVerifies checks that the secret in state is the client's current secret.
func (e *testEmulator) checkSecretVerifies(addr string, want bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		id, secret := rs.Primary.Attributes["client_id"], rs.Primary.Attributes["client_secret"]
		if got := e.Server.VerifySecret(id, secret); got != want {
			return fmt.Errorf("secret of %s verifies = %t, want %t", id, got, want)
		}
		return nil
	}
}

// expectError matches a CLI error holding each part in order, wherever the
// CLI wrapped its lines.
func expectError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// clientConfig renders a flexslot_oauth2_client resource block.
func clientConfig(name, body string) string {
	return fmt.Sprintf("resource \"flexslot_oauth2_client\" %q {\n%s\n}\n", name, body)
}
