package testconsumer

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/flexslot/terraform-provider-flexslot/internal/emulator"
	"github.com/flexslot/terraform-provider-flexslot/internal/emulator/emulatortest"
)

func TestDeliverStoresOnlyWhatFlexslotAccepts(t *testing.T) {
	t.Parallel()
	inst := emulatortest.Start(t, emulator.Options{Tokens: []string{"flx_pat_consumer"}})
	c, secret, err := inst.Server.CreateAsDashboard("flx_pat_consumer", "App", "confidential", []string{"https://app.example.com/cb"}, []string{"cards:read"})
	if err != nil {
		t.Fatal(err)
	}
	store := NewStore()
	r := &secretResource{verifier: verifier{url: inst.URL + "/_emulator/verify-secret"}, store: store}

	for name, tc := range map[string]struct {
		secret types.String
		stored bool
	}{
		"refused": {types.StringValue("flx_cs_wrong"), false},
		"null":    {types.StringNull(), false},
		"current": {types.StringValue(secret), true},
	} {
		m := secretModel{Name: types.StringValue(name), ClientID: types.StringValue(c.ClientID), SecretWO: tc.secret}
		var diags diag.Diagnostics
		r.deliver(context.Background(), &m, &diags)
		held, ok := store.Get(name)
		if diags.HasError() == tc.stored || ok != tc.stored || (ok && held != secret) || !m.SecretWO.IsNull() {
			t.Errorf("%s: diagnostics %v, stored %t, verified %v, secret_wo null %t", name, diags, ok, m.Verified, m.SecretWO.IsNull())
		}
	}
}
