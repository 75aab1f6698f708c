// Package memnet serves HTTP over in-memory connections, for tests that run
// in a testing/synctest bubble.
//
// A goroutine blocked on a loopback socket is not durably blocked, so a
// bubble whose server or client waits on one never advances its fake clock.
// The connections here are net.Pipe pairs: a goroutine waiting on one is
// durably blocked, and time in the bubble moves on as soon as every
// goroutine waits. Start a Server inside the bubble, reach it only through
// its Client, and close it before the bubble ends.
package memnet

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
)

// Listener is a net.Listener whose connections come from its Dial.
type Listener struct {
	conns     chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
}

// Listen returns a listener that accepts the connections of its Dial.
func Listen() *Listener {
	return &Listener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept waits for the next Dial.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept; later dials are refused.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

// Addr is a placeholder address.
func (l *Listener) Addr() net.Addr { return addr{} }

// Dial connects to the listener; it fails, like a refused connection, once
// the listener is closed.
func (l *Listener) Dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, &net.OpError{Op: "dial", Net: "memnet", Addr: addr{}, Err: ctx.Err()}
	}
	client.Close()
	server.Close()
	return nil, &net.OpError{Op: "dial", Net: "memnet", Addr: addr{}, Err: syscall.ECONNREFUSED}
}

type addr struct{}

func (addr) Network() string { return "memnet" }
func (addr) String() string  { return "memnet" }

// Server is an HTTP server on a Listener.
type Server struct {
	// URL is the server's base URL, distinct per server: a loopback address,
	// as plain http needs, whose port is never listened on; only Client reaches it.
	URL      string
	listener *Listener
	server   *http.Server
	client   *http.Client
	done     chan struct{}
}

var servers atomic.Int64

// NewServer serves handler until Close.
func NewServer(handler http.Handler) *Server {
	s := &Server{
		URL:      fmt.Sprintf("http://127.0.0.1:%d", 10000+servers.Add(1)%50000),
		listener: Listen(),
		server:   &http.Server{Handler: handler},
		done:     make(chan struct{}),
	}
	s.client = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return s.listener.Dial(ctx) },
	}}
	go func() {
		defer close(s.done)
		_ = s.server.Serve(s.listener) // returns when Close closes the listener
	}()
	return s
}

// Client returns the client that reaches the server. Callers may copy it.
func (s *Server) Client() *http.Client { return s.client }

// Close stops the server and closes every connection, its client's idle
// ones included, and returns once the server has stopped.
func (s *Server) Close() {
	s.server.Close()
	s.client.CloseIdleConnections()
	<-s.done
}
