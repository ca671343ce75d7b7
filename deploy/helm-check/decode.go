package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// document is one object of a rendered manifest, decoded into its Kubernetes type.
type document struct {
	index  int    // 1-based position in the file
	source string // the chart template it came from (helm's "# Source:" line), if any
	object runtime.Object
}

// known lists the API groups a manifest may use: every kind is decoded into its Go type from
// k8s.io/api, so a kind outside these (a CRD, a misspelt kind, a removed apiVersion such as
// autoscaling/v2beta2) is refused rather than waved through.
var known = []func(*runtime.Scheme) error{
	corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme, batchv1.AddToScheme,
	networkingv1.AddToScheme, policyv1.AddToScheme, rbacv1.AddToScheme,
}

// newDecoder decodes YAML strictly, as the API server does with fieldValidation=Strict: an unknown
// or duplicate field is an error, field names are case-sensitive, and a value of the wrong type
// (a string for replicas, a map where a string goes) does not decode.
func newDecoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range known {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
}

var sourceLine = regexp.MustCompile(`(?m)^# Source: (\S+)`)

// readManifest decodes every document of a multi-document YAML file. Documents that do not decode
// are reported as problems; the others are returned for the rules.
func readManifest(path string, decoder runtime.Decoder) ([]document, []problem, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(file))
	var docs []document
	var problems []problem
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: document %d: %w", path, index, err)
		}
		source := ""
		if m := sourceLine.FindSubmatch(raw); m != nil {
			source = string(m[1])
		}
		if asJSON, err := yaml.YAMLToJSON(raw); err == nil && bytes.Equal(bytes.TrimSpace(asJSON), []byte("null")) {
			index-- // only comments or blank: helm emits these for templates that render nothing
			continue
		}
		object, _, err := decoder.Decode(raw, nil, nil)
		if err != nil {
			problems = append(problems, problem{where: fmt.Sprintf("document %d, %s%s", index, identify(raw), from(source)), what: decodeMessage(err)})
			// Unknown or duplicate fields still decode the rest: keep the object, so that the rules
			// looking across documents do not report its absence as well.
			if object == nil || !runtime.IsStrictDecodingError(err) {
				continue
			}
		}
		docs = append(docs, document{index: index, source: source, object: object})
	}
	return docs, problems, nil
}

// identify names a document that did not decode by what it says it is: "Deployment x".
func identify(raw []byte) string {
	var head struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	_ = yaml.Unmarshal(raw, &head) // best effort: the decoding error is the message
	return strings.TrimSpace(head.Kind + " " + head.Metadata.Name)
}

func from(source string) string {
	if source == "" {
		return ""
	}
	return " (" + source + ")"
}

func decodeMessage(err error) string {
	switch {
	case runtime.IsNotRegisteredError(err):
		return "unknown kind or apiVersion: " + err.Error()
	case runtime.IsMissingKind(err):
		return "no kind"
	case runtime.IsMissingVersion(err):
		return "no apiVersion"
	}
	return err.Error()
}
