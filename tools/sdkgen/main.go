// Command sdkgen writes the Python and Go SDKs of the cloudflare-turn-lookup
// plugin from its schema, with Pulumi's own code generators, so that the SDKs
// are what `pulumi package gen-sdk` would write.
//
//	go run . <schema.json> <sdk folder>
//
// It replaces the generated files: <sdk folder>/python whole, and
// <sdk folder>/go/cloudflareturnlookup (the Go module's go.mod and go.sum
// stay: they name the module and pin its dependencies).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-cloudflare-turn-lookup-sdkgen"

// noPackages refuses every package: the schema references no other package.
type noPackages struct{}

func (noPackages) refuse(name string) error {
	return fmt.Errorf("the schema references package %q; it must reference none", name)
}

func (l noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <sdk folder>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	generators := map[string]func(*schema.Package) (map[string][]byte, error){
		"python": func(pkg *schema.Package) (map[string][]byte, error) {
			files, err := pygen.GeneratePackage(tool, pkg, nil, noPackages{})
			if err != nil {
				return nil, err
			}
			// pyproject.toml names README.md beside it as the long description: the package's own README.
			files["README.md"] = files["pulumi_cloudflare_turn_lookup/README.md"]
			return files, nil
		},
		"go": func(pkg *schema.Package) (map[string][]byte, error) {
			return gogen.GeneratePackage(tool, pkg, nil)
		},
	}
	replaced := map[string]string{"python": "python", "go": filepath.Join("go", "cloudflareturnlookup")}
	for _, language := range []string{"python", "go"} {
		// Each generator imports its language section into the package: bind afresh for each.
		pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", schemaPath, diags.Error())
		}
		files, err := generators[language](pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", language, err)
		}
		dir := filepath.Join(out, language)
		if err := os.RemoveAll(filepath.Join(out, replaced[language])); err != nil {
			return err
		}
		for name, content := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("wrote the %s SDK: %d files under %s\n", language, len(files), dir)
	}
	return nil
}
