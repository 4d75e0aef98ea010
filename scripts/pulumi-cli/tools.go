//go:build tools

// Package tools pins the Pulumi CLI that scripts/pulumi-cli.sh builds: the blank import keeps
// the CLI's main package (and so its whole dependency graph) in go.mod and go.sum.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
