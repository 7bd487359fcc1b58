// pulumi-language-nodejs: a small Node.js language host for the Pulumi CLI.
//
// Why this exists: our build machines reach only package registries. The Pulumi
// CLI builds from the Go module proxy (github.com/pulumi/pulumi/pkg/v3), but the
// official Node.js language host module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the proxy, and without a language host `pulumi up` cannot run a
// Node.js program. This host implements just what this project needs:
//
//   - running a Node.js/TypeScript program (`Run`) by spawning
//     `node <@pulumi/pulumi/cmd/run> <flags> <entry>`; the program talks to the
//     engine's resource monitor directly over gRPC;
//   - starting a Node.js policy pack (`RunPlugin`, kind "analyzer") through
//     `@pulumi/pulumi/cmd/run-policy-pack`;
//   - the informational RPCs the CLI calls around those (Handshake,
//     GetPluginInfo, GetRequiredPackages, InstallDependencies, About, ...);
//   - TypeScript code generation with Pulumi's own generator (codegen.go):
//     the code `pulumi import` prints, `pulumi convert`, and
//     `pulumi package gen-sdk --language nodejs`.
//
// It deliberately does not discover provider plugins from node_modules (our
// programs only use dynamic resources, whose provider is the
// pulumi-resource-pulumi-nodejs script), does not install dependencies, and
// does not support synchronous invokes, debugging or `Pack`.
//
// Start-up contract (same as every Pulumi plugin): the engine runs
// `pulumi-language-nodejs [flags...] <engine-address>`; we listen on a free
// 127.0.0.1 port and print it as the first line of stdout. Anything written to
// stdout/stderr afterwards is shown by the engine as diagnostics.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// hostVersion is reported by GetPluginInfo; it tracks the CLI we build against.
// Override with -ldflags "-X main.hostVersion=...".
var hostVersion = "3.276.0"

// bailExitCode is the exit code @pulumi/pulumi's `cmd/run` uses when it has
// already logged an actionable error to the user: the engine should stop
// without printing another message ("bail").
const bailExitCode = 32

func main() {
	engineAddress, tracing := parseArgs(os.Args[1:])

	// Stop serving on SIGINT, or when the engine we belong to goes away.
	stop := make(chan bool)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() { <-ctx.Done(); close(stop) }()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			fatal(fmt.Errorf("could not start health check: %w", err))
		}
	}

	host := newHost(engineAddress, tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatal(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatal(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// parseArgs is deliberately lenient: the engine may pass flags such as
// `--logtostderr`, `-v=9`, `--tracing <url>` or `-root=<dir>` before the engine
// address, which always comes last. Unknown flags are ignored.
func parseArgs(args []string) (engineAddress, tracing string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			engineAddress = a // the last positional argument wins
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "version":
			fmt.Println(hostVersion)
			os.Exit(0)
		case "tracing", "root", "runtime": // flags that take a value
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			if name == "tracing" {
				tracing = value
			}
		}
	}
	return engineAddress, tracing
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

// host implements pulumirpc.LanguageRuntimeServer. Methods not defined here
// answer codes.Unimplemented through the embedded type.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string

	// cancelled by the Cancel RPC: interrupts running programs and plugins.
	cancelCtx context.Context
	cancel    context.CancelFunc
}

func newHost(engineAddress, tracing string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{engineAddress: engineAddress, tracing: tracing, cancelCtx: ctx, cancel: cancel}
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: hostVersion}, nil
}

// GetRequiredPlugins / GetRequiredPackages report nothing: a program that only
// uses dynamic resources needs no provider plugin downloads (the engine loads
// the dynamic provider, pulumi-resource-pulumi-nodejs, by itself).
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// InstallDependencies is a no-op: dependencies are installed by npm before the
// CLI runs. Returning nil ends the stream cleanly.
func (h *host) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

// RuntimeOptionsPrompts asks nothing (used by `pulumi new`).
func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// About reports the node executable and its version (`pulumi about`).
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, _ := exec.CommandContext(ctx, node, "--version").Output()
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimSpace(string(out)),
		Metadata:   map[string]string{"languageHost": "pulumi-gitlab-runners " + hostVersion},
	}, nil
}

// GetProgramDependencies lists the program's direct dependencies from its
// package.json, with the version installed in node_modules when there is one.
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &pkg); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return &pulumirpc.GetProgramDependenciesResponse{}, nil
		}
		return nil, err
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, deps := range []map[string]string{pkg.Dependencies, pkg.DevDependencies} {
		for name, wanted := range deps {
			var installed struct {
				Version string `json:"version"`
			}
			if readJSON(filepath.Join(dir, "node_modules", name, "package.json"), &installed) == nil &&
				installed.Version != "" {
				wanted = installed.Version
			}
			resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: wanted})
		}
	}
	return resp, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// Run executes the program: `node <@pulumi/pulumi/cmd/run> <flags> <entry> <args>`.
// The flags and environment variables are the ones cmd/run/index.js and
// runtime/{settings,state,config}.js read. A failure of the program is
// reported in RunResponse.Error (not as an RPC error) so the CLI shows it as a
// failed update.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runModule := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runModule == "" {
		runModule = "@pulumi/pulumi/cmd/run"
	}
	runPath, err := resolveModule(ctx, node, info.GetProgramDirectory(), runModule)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := []string{runPath}
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", info.GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "." // cmd/run treats "." as "the program directory's package.json main"
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// Config is passed as JSON in the environment; keys stay "<namespace>:<name>"
	// (the SDK also accepts the legacy "<namespace>:config:<name>" form).
	config, err := json.Marshal(nonNil(req.GetConfig()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	secretKeys, err := json.Marshal(nonNilSlice(req.GetConfigSecretKeys()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize secret keys: " + err.Error()}, nil
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	nodeArgs, optEnv := runtimeOptions(info)
	env = append(env, optEnv...)

	cmd := h.command(ctx, node, append(nodeArgs, args...)...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	// Node may switch its stdio to non-blocking mode; wrapping our own stdio in
	// plain writers makes Go copy through a pipe instead of handing the fd over.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == bailExitCode:
		// The SDK already showed the user an actionable error.
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() > 0:
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + err.Error()}, nil
	default:
		return &pulumirpc.RunResponse{Error: "Problem executing program (could not run node): " + err.Error()}, nil
	}
}

// RunPlugin runs a plugin written in Node.js. The CLI uses it to start Node.js
// policy packs (kind "analyzer") via @pulumi/pulumi/cmd/run-policy-pack,
// resolved from the pack's folder; other plugins go through cmd/run-plugin.
// The plugin's stdout/stderr are streamed back to the engine, which reads the
// plugin's gRPC port from the first stdout line.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	isPolicyPack := req.GetKind() == "analyzer"

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	module := "@pulumi/pulumi/cmd/run-plugin"
	if isPolicyPack {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolveModule(ctx, node, dir, module)
	if err != nil {
		return err
	}

	nodeArgs, optEnv := runtimeOptions(info)
	env := append(req.GetEnv(), optEnv...)
	args := append(nodeArgs, runPath)
	if isPolicyPack {
		// run-policy-pack expects the pack directory last.
		args = append(append(args, req.GetArgs()...), dir)
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	// Recent engines talk to policy packs with the Handshake/ConfigureStack RPCs,
	// which @pulumi/policy does not implement: it reads the stack's identity
	// and config from PULUMI_NODEJS_* / PULUMI_CONFIG at start-up instead. The
	// sdk's PolicyProxy answers those RPCs in front of the pack (printing its
	// own port first), hands us the configuration for the environment, then
	// forwards everything else to the real pack once it is up.
	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		cfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if cfg != nil {
			setEnv := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			setEnv("PULUMI_NODEJS_ORGANIZATION", cfg.GetOrganization())
			setEnv("PULUMI_NODEJS_PROJECT", cfg.GetProject())
			setEnv("PULUMI_NODEJS_STACK", cfg.GetStack())
			setEnv("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(cfg.GetDryRun()))
			if cfg.GetConfig() != nil {
				configJSON, err := json.Marshal(cfg.GetConfig())
				if err != nil {
					return fmt.Errorf("could not serialize stack configuration: %w", err)
				}
				setEnv("PULUMI_CONFIG", string(configJSON))
			}
		}
	}

	cmd := h.command(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	if isPolicyPack {
		cmd.Dir = dir // policy packs have always run from their own folder
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr

	if err := cmd.Start(); err != nil {
		if proxy != nil {
			proxy.Abort(err)
		}
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd) // waits for the process too
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("plugin exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// command prepares a node process that is interrupted (then killed) when the
// RPC ends or the engine sends Cancel.
func (h *host) command(ctx context.Context, node string, args ...string) *exec.Cmd {
	cmdCtx, cancel := context.WithCancel(h.cancelCtx)
	context.AfterFunc(ctx, cancel)
	cmd := exec.CommandContext(cmdCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// resolveModule asks node where `module` resolves from dir, using node's own
// module resolution (node_modules lookup, symlinks, package "exports").
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	script := fmt.Sprintf(`const m = %q; try { process.stdout.write(require.resolve(m)); } catch (e) {`+
		` console.error(e.code === "MODULE_NOT_FOUND" ? "Cannot find module " + m : e.message); process.exit(1); }`,
		module)
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && len(exitErr.Stderr) > 0 {
			msg = firstLines(string(exitErr.Stderr), 3)
		}
		return "", fmt.Errorf("could not resolve %s from %s (is @pulumi/pulumi installed? run npm install): %s",
			module, dir, msg)
	}
	return strings.TrimSpace(string(out)), nil
}

// runtimeOptions maps the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml
// to node arguments and environment variables understood by cmd/run:
// typescript (default true: cmd/run uses ts-node for .ts entry points),
// tsconfig, and nodeargs (split on spaces; no shell quoting).
func runtimeOptions(info *pulumirpc.ProgramInfo) (nodeArgs, env []string) {
	opts := info.GetOptions().AsMap()
	if ts, ok := opts["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := opts["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	if s, ok := opts["nodeargs"].(string); ok {
		nodeArgs = strings.Fields(s)
	}
	return nodeArgs, env
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
