package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/oklog/ulid/v2"
)

// Fault kinds.
const (
	// FaultStatus answers Status (default 503) with the error envelope (code
	// FLEXSLOT_INJECTED_FAULT) and processes nothing.
	FaultStatus = "status"
	// FaultDropAfterCommit processes the request, then closes the connection
	// without answering: the lost-response case.
	FaultDropAfterCommit = "drop_after_commit"
	// FaultLatency waits LatencyMS, then processes the request normally.
	FaultLatency = "latency"
	// FaultMalformedBody processes the request, then answers with its body truncated.
	FaultMalformedBody = "malformed_body"
	// FaultHTMLError answers Status (default 502) with an HTML page, as a proxy
	// in front of the API would, and processes nothing. Status 404 with Method
	// DELETE, for instance, is a proxy that does not know the revoke endpoint.
	FaultHTMLError = "html_error"
)

// FaultHeader names the fault applied to a response. It lets tests tell
// deliberately broken responses from broken emulator code.
const FaultHeader = "X-Emulator-Fault"

var faultKinds = []string{FaultStatus, FaultDropAfterCommit, FaultLatency, FaultMalformedBody, FaultHTMLError}

// Fault describes a failure to inject into the partner API requests it matches.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string `json:"method,omitempty"`
	// PathPrefix matches requests whose path starts with it.
	PathPrefix string `json:"path_prefix,omitempty"`
	// Times is how many requests the fault applies to; 0 means until cleared.
	Times      int    `json:"times,omitempty"`
	Kind       string `json:"kind"`
	Status     int    `json:"status,omitempty"`
	RetryAfter int    `json:"retry_after,omitempty"`
	LatencyMS  int    `json:"latency_ms,omitempty"`
}

func (f Fault) validate() error {
	switch {
	case !slices.Contains(faultKinds, f.Kind):
		return fmt.Errorf("kind must be one of %s", strings.Join(faultKinds, ", "))
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status must be an HTTP status code")
	case f.Times < 0 || f.RetryAfter < 0 || f.LatencyMS < 0:
		return fmt.Errorf("times, retry_after and latency_ms must not be negative")
	}
	return nil
}

type activeFault struct {
	Fault
	id        string
	remaining int
}

// AddFault injects f and returns its id. It panics on an invalid fault, which
// is always a mistake in the calling test.
func (s *Server) AddFault(f Fault) string {
	if err := f.validate(); err != nil {
		panic("emulator: invalid fault: " + err.Error())
	}
	return s.addFault(f)
}

func (s *Server) addFault(f Fault) string {
	af := &activeFault{Fault: f, id: "flt_" + ulid.Make().String(), remaining: f.Times}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, af)
	return af.id
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching the request, using up one of its times.
func (s *Server) takeFault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, af := range s.faults {
		if (af.Method != "" && !strings.EqualFold(af.Method, method)) || !strings.HasPrefix(path, af.PathPrefix) {
			continue
		}
		if af.Times > 0 {
			af.remaining--
			if af.remaining == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		f := af.Fault
		return &f
	}
	return nil
}

// response builds the answer of a fault that answers instead of the API.
func (f *Fault) response() response {
	var resp response
	if f.Kind == FaultHTMLError {
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		resp = response{
			status:      status,
			body:        []byte("<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
			contentType: "text/html",
		}
	} else {
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		resp = errorResponse(&Error{Status: status, Code: CodeInjectedFault, Message: fmt.Sprintf("fault injected by the emulator: HTTP %d", status)})
	}
	if f.RetryAfter > 0 {
		resp.header = http.Header{"Retry-After": {strconv.Itoa(f.RetryAfter)}}
	}
	return resp
}
