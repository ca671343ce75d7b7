// Command helm-check validates rendered Kubernetes manifests without a cluster and without
// downloading schemas: each document is decoded strictly into its Go type from k8s.io/api (what
// the API server does with fieldValidation=Strict), then held to driftwatch's rules (rules.go).
//
//	helm-check FILE...
//
// Each FILE is one render (helm template output); references are resolved within it. Prints one
// line per problem and exits 1 if there are any; otherwise a summary line per file.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: helm-check FILE...")
		os.Exit(2)
	}
	decoder := newDecoder()
	failed := false
	for _, path := range os.Args[1:] {
		docs, problems, err := readManifest(path, decoder)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		problems = append(problems, check(docs)...)
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s: %s\n", path, p.where, p.what)
		}
		if len(problems) > 0 {
			failed = true
			continue
		}
		fmt.Printf("%s: %d documents ok (%s)\n", path, len(docs), kinds(docs))
	}
	if failed {
		os.Exit(1)
	}
}

// kinds counts the documents by kind: "ConfigMap 3, Deployment 2".
func kinds(docs []document) string {
	counts := map[string]int{}
	for _, d := range docs {
		counts[d.object.GetObjectKind().GroupVersionKind().Kind]++
	}
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}
