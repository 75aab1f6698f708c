package provider

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
)

// TestAccOAuth2Client_createChecksReadTogether: a plan that creates a client
// reads the token's metadata and the partner row beside each other, not one
// after the other. The emulator holds whichever of the two arrives first until
// the other arrives, so read one after the other, the first would wait out the
// plan-check budget and fail: the token's expiry warning would be missing, or
// the partner row unreadable.
func TestAccOAuth2Client_createChecksReadTogether(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		arrived = map[string]bool{}
		both    = make(chan struct{})
		release sync.Once
	)
	releaseAll := func() { release.Do(func() { close(both) }) }
	e := newTestEmulatorWith(t, emulator.Options{AfterRequest: func(r emulator.RequestRecord) {
		if r.Operation != emulator.OperationPartner && r.Operation != emulator.OperationAccessToken {
			return
		}
		mu.Lock()
		arrived[r.Operation] = true
		if len(arrived) == 2 {
			releaseAll()
		}
		mu.Unlock()
		<-both
	}})
	t.Cleanup(releaseAll) // before the emulator stops, should only one ever arrive
	expires := time.Now().Add(3*24*time.Hour + time.Hour).UTC().Truncate(time.Second)
	if _, err := e.Server.SetAccessToken(emulator.AccessTokenUpdate{Token: testTokenA, ExpiresAt: []byte(strconv.Quote(expires.Format(time.RFC3339)))}); err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkspace(t, e)
	w.WriteConfig(cliConfig(webClient("Together", appCallback, cardsRead)))

	plan := w.Plan().RequireSuccess(t)
	requireWarning(t, plan, "The Personal Access Token expires soon", "expires in 3 days")
	for _, d := range plan.Warnings() {
		if d.Summary == "Could not read the partner row" {
			t.Fatalf("the partner row was not read: %s", d.Detail)
		}
	}
	if got := e.requestCounts(); got[emulator.OperationPartner] != 1 || got[emulator.OperationAccessToken] != 1 {
		t.Fatalf("the plan sent %v, want one partner read and one token read", got)
	}
}
