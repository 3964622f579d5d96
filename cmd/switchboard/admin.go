package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/store"
)

func cmdOperatorsAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("operators add", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	name := fs.String("name", "", "display name")
	role := fs.String("role", "operator", "admin, supervisor or operator")
	dept := fs.String("department", "", "department names, comma separated (default: the default department)")
	slackUser := fs.String("slack-user", "", "the operator's Slack user id (U…), so replies in Slack threads are theirs")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("operators add: give exactly one EMAIL")
	}
	email := pos[0]
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		return usageError(fmt.Sprintf("EMAIL: %q is not an e-mail address", email))
	}
	if strings.TrimSpace(*name) == "" {
		return usageError("--name: required")
	}
	if err := checkRole(*role); err != nil {
		return err
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	hash, err := console.HashPassword(pw)
	if err != nil {
		return usageError(err.Error())
	}
	st, ws, err := openDefaultWorkspace(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	depts, err := resolveDepartments(ctx, st, ws.ID, *dept)
	if err != nil {
		return err
	}
	op := switchboard.Operator{
		ID: switchboard.OperatorID(switchboard.NewID("op")), WorkspaceID: ws.ID, Email: email, Name: *name,
		Role: switchboard.Role(*role), DepartmentIDs: depts, CreatedAt: time.Now().UTC(),
	}
	if err := st.CreateOperator(ctx, op, hash); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("operator %s already exists", email)
		}
		return err
	}
	if *slackUser != "" {
		if err := st.LinkOperatorAccount(ctx, ws.ID, op.ID, "slack", *slackUser); err != nil {
			return fmt.Errorf("link Slack user: %w", err)
		}
	}
	fmt.Fprintln(stdout, op.ID)
	return nil
}

func resolveDepartments(ctx context.Context, st store.Store, ws switchboard.WorkspaceID, names string) ([]switchboard.DepartmentID, error) {
	def, err := st.DefaultDepartment(ctx, ws)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(names) == "" {
		return []switchboard.DepartmentID{def.ID}, nil
	}
	all, err := st.ListDepartments(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []switchboard.DepartmentID
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, d := range all {
			if strings.EqualFold(d.Name, n) {
				out = append(out, d.ID)
				found = true
			}
		}
		if !found {
			d := switchboard.Department{ID: switchboard.DepartmentID(switchboard.NewID("dep")), WorkspaceID: ws, Name: n, CreatedAt: time.Now().UTC()}
			if err := st.CreateDepartment(ctx, d); err != nil {
				return nil, fmt.Errorf("department %q: %w", n, err)
			}
			all = append(all, d)
			out = append(out, d.ID)
		}
	}
	return out, nil
}

func cmdTokensCreate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tokens create", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	name := fs.String("name", "", "what the token is for")
	role := fs.String("role", "admin", "admin, supervisor or operator")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("tokens create: unexpected argument " + pos[0])
	}
	if strings.TrimSpace(*name) == "" {
		return usageError("--name: required")
	}
	if err := checkRole(*role); err != nil {
		return err
	}
	st, ws, err := openDefaultWorkspace(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	secret := console.NewSecret("sbt_")
	tok := store.Token{ID: switchboard.NewID("tok"), WorkspaceID: ws.ID, Name: *name, Role: switchboard.Role(*role), Hash: console.HashSecret(secret), CreatedAt: time.Now().UTC()}
	if err := st.CreateToken(ctx, tok); err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// openDefaultWorkspace loads the config, opens (and migrates) its store and
// returns the default workspace, for the admin commands. The caller closes
// the store.
func openDefaultWorkspace(ctx context.Context, cfgPath string) (store.Store, switchboard.Workspace, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return nil, switchboard.Workspace{}, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, switchboard.Workspace{}, err
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		st.Close()
		return nil, switchboard.Workspace{}, err
	}
	return st, ws, nil
}

func checkRole(role string) error {
	if !switchboard.Role(role).Valid() {
		return usageError(fmt.Sprintf("--role: %q is not admin, supervisor or operator", role))
	}
	return nil
}
