// Command flexslot-reliability runs the reliability suite (internal/reliability)
// through the CLI named by TF_ACC_TERRAFORM_PATH, has it record what it
// exercised, and prints the table of docs/guides/reliability.md from that run.
//
//	TF_ACC_TERRAFORM_PATH=~/.cache/terraform-provider-flexslot/bin/tofu-1.12.6 go run ./internal/cmd/flexslot-reliability
//
// With -report FILE it only prints the table of a figures file written earlier.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/flexslot/terraform-provider-flexslot/internal/reliability"
)

func main() {
	report := flag.String("report", "", "print the table of this figures file instead of running the suite")
	keep := flag.String("out", "", "also keep the figures file of the run at this path")
	parallel := flag.Int("parallel", 4, "tests run in parallel (go test -parallel)")
	timeout := flag.String("timeout", "30m", "go test -timeout")
	flag.Parse()

	path := *report
	if path == "" {
		var err error
		if path, err = run(*parallel, *timeout, *keep); err != nil {
			fmt.Fprintln(os.Stderr, "flexslot-reliability:", err)
			os.Exit(1)
		}
	}
	figures, err := reliability.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "flexslot-reliability:", err)
		os.Exit(1)
	}
	fmt.Print(figures.Markdown())
}

// run runs the suite and returns the path of the figures file it wrote.
func run(parallel int, timeout, keep string) (string, error) {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		return "", fmt.Errorf("set TF_ACC_TERRAFORM_PATH to a tofu or terraform binary (make reliability does)")
	}
	path := keep
	if path == "" {
		dir, err := os.MkdirTemp("", "flexslot-reliability-*")
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, "figures.json")
	} else if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	_ = os.Remove(path)

	cmd := exec.Command("go", "test", "-count=1", "-timeout", timeout, "-parallel", fmt.Sprint(parallel),
		"-run", "^TestAcc", "./internal/reliability/")
	cmd.Env = append(os.Environ(), "TF_ACC=1", reliability.ReportEnv+"="+path)
	// The test output goes to stderr so that stdout holds only the table.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("the reliability suite failed: %w", err)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("the suite wrote no figures: %w", err)
	}
	return path, nil
}
