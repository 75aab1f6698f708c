package flexslot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flexslot/terraform-provider-flexslot/internal/rules"
)

const (
	// createdAtMargin is how much earlier than the moment a create's request
	// left (on the server's clock, from the list's Date header) a listed
	// client's created_at may be and still count as made by that create: one
	// second, for a created_at truncated to whole seconds. The Date header's
	// own truncation is on the safe side already (see adoptionThreshold). A
	// client created before that is never adopted.
	createdAtMargin = time.Second
	// clockSkewAllowance replaces it when the answer carries no Date header,
	// so the two clocks cannot be compared.
	clockSkewAllowance = time.Minute
)

// Create registers a client and returns it with its one-time secret.
//
// A create whose answer is lost (the connection failed after the request was
// sent, a 2xx body was unreadable, a gateway answered 502, 503 or 504, or no
// answer came within the attempt's share of the deadline) is never re-sent
// blindly, whether or not Flexslot honours the Idempotency-Key it carries. A
// fresh list decides: the one client matching the request (name, type,
// redirect URIs as a set, created after the request left, see
// adoptionThreshold) that this Client did not know before is adopted, and a
// confidential one's secret is rotated to obtain one (IssuedSecret.Adopted);
// when several match, none is adopted and an *AmbiguousCreateError names them
// all, since one of them may belong to another configuration creating the
// same client; when none matches, the request is sent again. A create answered
// with 429, or 503 with the API's error body, did nothing and is simply retried.
//
// Creates of identical clients through one Client run one at a time, so that
// one never adopts another's client.
func (s *OAuth2ClientsService) Create(ctx context.Context, req CreateRequest) (*IssuedSecret, error) {
	c := s.client
	wantType := req.clientType()
	req.RedirectURIs = nonNil(req.RedirectURIs)
	req.AllowedScopes = nonNil(req.AllowedScopes)
	body, err := marshal(req)
	if err != nil {
		return nil, err
	}
	unlock, err := c.creates.lock(ctx, createFingerprint(req, wantType))
	if err != nil {
		return nil, fmt.Errorf("flexslot: waiting for another create of an identical client: %w", err)
	}
	defer unlock()

	start := time.Now()
	b := c.policy.newBudget()
	cl := &call{method: http.MethodPost, path: oauth2ClientsPath, body: body, idempotencyKey: uuid.NewString(), reserve: true}
	for {
		var issued *IssuedSecret
		cl.decode = func(body []byte) (err error) {
			issued, err = c.decodeIssued(body, wantType, "")
			return err
		}
		a, err := c.do(ctx, cl, b)
		if err == nil {
			c.claim(issued.Client.ClientID)
			return issued, nil
		}
		var lost *lostAnswerError
		var unanswered *unansweredError
		switch {
		case errors.As(err, &unanswered):
			return nil, fmt.Errorf("%w; Flexslot may have created a client named %q, whose secret was only in that answer",
				err, req.ApplicationName)
		case !errors.As(err, &lost):
			return nil, err
		}
		adopted, err := s.recoverCreate(ctx, req, wantType, start, lost)
		if err != nil || adopted != nil {
			return adopted, err
		}
		// Flexslot did not create the client: send the request again.
		if b.exhausted() {
			return nil, &retryError{op: cl.op(), attempts: b.used, last: fmt.Errorf("%w, and the list shows no such client", lost.cause)}
		}
		if err := c.wait(ctx, cl.op(), b, a, lost.cause); err != nil {
			return nil, err
		}
	}
}

// recoverCreate looks for the client of a create whose answer was lost. It
// returns nil, nil when a successful list shows no such client.
func (s *OAuth2ClientsService) recoverCreate(ctx context.Context, req CreateRequest, wantType string, start time.Time, lost *lostAnswerError) (*IssuedSecret, error) {
	c := s.client
	r, err := c.lists.fresh(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w; listing the partner's clients to find out whether Flexslot created %q failed, so the request was not sent again "+
			"(a client of that name may exist): %w", lost, req.ApplicationName, err)
	}
	candidates := createCandidates(r, req, wantType, adoptionThreshold(start, r), func(id string) bool { return c.knownBefore(id, start) })
	switch len(candidates) {
	case 0:
		return nil, nil
	case 1:
	default:
		ids := make([]string, len(candidates))
		for i, cand := range candidates {
			ids[i] = cand.ClientID
		}
		return nil, &AmbiguousCreateError{ApplicationName: req.ApplicationName, Candidates: ids, Err: lost}
	}
	adopted := cloneClient(candidates[0])
	c.claim(adopted.ClientID)
	if adopted.ClientType == ClientTypePublic || (adopted.ClientType == "" && wantType == ClientTypePublic) {
		return &IssuedSecret{Client: adopted, Adopted: true}, nil
	}
	// The secret was only in the lost answer: rotating issues one.
	issued, err := s.rotate(ctx, adopted.ClientID)
	if err != nil {
		return nil, &LostSecretError{Client: adopted, Err: err}
	}
	issued.Adopted = true
	return issued, nil
}

// createCandidates returns the clients of r that the create of req may have
// made, newest first: matching it, created at or after threshold, and not
// known to this Client before the create started.
func createCandidates(r *listResult, req CreateRequest, wantType string, threshold time.Time, known func(string) bool) []OAuth2Client {
	var out []OAuth2Client
	for i := range r.clients {
		cand := &r.clients[i]
		if matchesCreate(cand, req, wantType) && !cand.CreatedAt.Before(threshold) && !known(cand.ClientID) {
			out = append(out, *cand)
		}
	}
	slices.SortStableFunc(out, func(a, b OAuth2Client) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out
}

// adoptionThreshold is the earliest created_at of a client the create that
// started at start may have made: the moment the request left, on the
// server's clock, less createdAtMargin. The list's Date header (whole seconds,
// truncated) was written between the list's start and completion, so
// serverDate - completed never exceeds the true offset between the clocks and
// the create's own client is always at or after the threshold; a client made
// more than createdAtMargin plus one second and the list's round trip before
// the request left is always before it. Without a Date header the clocks
// cannot be compared, and clockSkewAllowance stands in.
func adoptionThreshold(start time.Time, r *listResult) time.Time {
	if r.serverDate.IsZero() {
		return start.Add(-clockSkewAllowance)
	}
	offset := r.serverDate.Sub(r.completed)
	return start.Add(offset).Add(-createdAtMargin)
}

// clientType is the type req creates: Flexslot's default when it names none.
func (req CreateRequest) clientType() string {
	if req.ClientType == "" {
		return rules.DefaultClientType
	}
	return req.ClientType
}

// MatchedBy reports whether c, a listed client, is what req would create: the
// same application name, type and redirect URIs, and not revoked.
func (req CreateRequest) MatchedBy(c *OAuth2Client) bool {
	return matchesCreate(c, req, req.clientType())
}

// matchesCreate reports whether a listed client is what req would have created.
func matchesCreate(c *OAuth2Client, req CreateRequest, wantType string) bool {
	return c.ApplicationName == req.ApplicationName &&
		(c.ClientType == "" || c.ClientType == wantType) &&
		c.Status != StatusRevoked &&
		sameSet(c.RedirectURIs, req.RedirectURIs)
}

func sameSet(a, b []string) bool {
	return slices.Equal(sortedSet(a), sortedSet(b))
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// createFingerprint identifies the creates that could be mistaken for one another.
func createFingerprint(req CreateRequest, wantType string) string {
	return strings.Join(append([]string{req.ApplicationName, wantType}, sortedSet(req.RedirectURIs)...), "\x00")
}
