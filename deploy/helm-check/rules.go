package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The label the chart puts on each service's objects; the rules for the monitor and the ingest
// service find their Deployments by it.
const componentLabel = "app.kubernetes.io/component"

// Variable names that hold credentials: they come from a Secret, never a ConfigMap or a literal.
var secretName = regexp.MustCompile(`(?i)(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL)`)

type problem struct {
	where string
	what  string
}

// manifest is one render: the rules look across its documents (a Service's selector, a pod's
// ConfigMaps, an autoscaler's target).
type manifest struct {
	docs       []document
	configMaps map[string]*corev1.ConfigMap
	secrets    map[string]*corev1.Secret
	problems   []problem
}

func (m *manifest) report(doc document, format string, args ...any) {
	meta, _ := doc.object.(metav1.Object)
	kind := doc.object.GetObjectKind().GroupVersionKind().Kind
	m.problems = append(m.problems, problem{
		where: fmt.Sprintf("document %d, %s %s%s", doc.index, kind, meta.GetName(), from(doc.source)),
		what:  fmt.Sprintf(format, args...),
	})
}

// check applies every rule to one render and returns what is wrong with it.
func check(docs []document) []problem {
	m := &manifest{docs: docs, configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{}}
	for _, doc := range docs {
		switch o := doc.object.(type) {
		case *corev1.ConfigMap:
			m.configMaps[o.Name] = o
		case *corev1.Secret:
			m.secrets[o.Name] = o
		}
	}
	for _, doc := range docs {
		m.checkMeta(doc)
		if pod, path := podTemplate(doc.object); pod != nil {
			m.checkPod(doc, pod, path)
		}
		switch o := doc.object.(type) {
		case *appsv1.Deployment:
			m.checkDeployment(doc, o)
		case *corev1.Service:
			m.checkService(doc, o)
		case *autoscalingv2.HorizontalPodAutoscaler:
			m.checkAutoscaler(doc, o)
		case *corev1.ConfigMap:
			m.checkConfigMap(doc, o)
		}
	}
	return m.problems
}

// podTemplate is the pod template of a long-running workload, or nil (Jobs are not held to the
// probe rule; the chart has none).
func podTemplate(object runtime.Object) (*corev1.PodTemplateSpec, string) {
	switch o := object.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template, "spec.template"
	case *appsv1.StatefulSet:
		return &o.Spec.Template, "spec.template"
	case *appsv1.DaemonSet:
		return &o.Spec.Template, "spec.template"
	}
	return nil, ""
}

func (m *manifest) checkMeta(doc document) {
	meta := doc.object.(metav1.Object)
	name := meta.GetName()
	var bad []string
	if _, isService := doc.object.(*corev1.Service); isService {
		bad = validation.IsDNS1035Label(name)
	} else {
		bad = validation.IsDNS1123Subdomain(name)
	}
	if name == "" {
		bad = []string{"missing"}
	}
	for _, msg := range bad {
		m.report(doc, "metadata.name %q: %s", name, msg)
	}
	m.fieldErrors(doc, metavalidation.ValidateLabels(meta.GetLabels(), field.NewPath("metadata", "labels")))
}

func (m *manifest) fieldErrors(doc document, errs field.ErrorList) {
	for _, err := range errs {
		m.report(doc, "%s", err.Error())
	}
}

func (m *manifest) checkDeployment(doc document, d *appsv1.Deployment) {
	if d.Spec.Selector == nil {
		m.report(doc, "spec.selector: missing")
	} else if selector, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err != nil {
		m.report(doc, "spec.selector: %v", err)
	} else if selector.Empty() || !selector.Matches(labels.Set(d.Spec.Template.Labels)) {
		m.report(doc, "spec.selector %v does not select the pod template's labels %v", selector, d.Spec.Template.Labels)
	}
	switch d.Labels[componentLabel] {
	case "monitor":
		// The monitor schedules every monitor in its own process: two would run each twice and send
		// every alert and webhook twice. Recreate stops the old pod before an upgrade starts the new one.
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
			m.report(doc, "spec.replicas is %s: the monitor must run as exactly one instance (set replicas: 1; two would send every notification twice)", count(d.Spec.Replicas))
		}
		if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
			m.report(doc, "spec.strategy.type is %q: the monitor needs Recreate (a rolling update runs two monitors at once)", d.Spec.Strategy.Type)
		}
	case "ingest":
		partitions, ok := m.partitions(&d.Spec.Template.Spec)
		if !ok {
			m.report(doc, "the ingest container does not set KAFKA_TOPIC_PARTITIONS, so its replica bound is unknown")
		} else if d.Spec.Replicas != nil && int(*d.Spec.Replicas) > partitions {
			m.report(doc, "spec.replicas %d is more than KAFKA_TOPIC_PARTITIONS %d: the extra consumers get no partition", *d.Spec.Replicas, partitions)
		}
	}
}

func count(n *int32) string {
	if n == nil {
		return "not set"
	}
	return strconv.Itoa(int(*n))
}

// partitions reads KAFKA_TOPIC_PARTITIONS from the pod's first container: a literal or a ConfigMap.
func (m *manifest) partitions(pod *corev1.PodSpec) (int, bool) {
	if len(pod.Containers) == 0 {
		return 0, false
	}
	c := pod.Containers[0]
	value, found := "", false
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil {
			if cm, ok := m.configMaps[from.ConfigMapRef.Name]; ok && from.Prefix == "" {
				if v, ok := cm.Data["KAFKA_TOPIC_PARTITIONS"]; ok {
					value, found = v, true
				}
			}
		}
	}
	for _, env := range c.Env { // env wins over envFrom
		if env.Name == "KAFKA_TOPIC_PARTITIONS" && env.ValueFrom == nil {
			value, found = env.Value, true
		}
	}
	n, err := strconv.Atoi(value)
	return n, found && err == nil
}

func (m *manifest) checkPod(doc document, pod *corev1.PodTemplateSpec, path string) {
	spec := &pod.Spec
	volumes := map[string]bool{}
	for i, v := range spec.Volumes {
		volumes[v.Name] = true
		at := fmt.Sprintf("%s.spec.volumes[%d]", path, i)
		if v.ConfigMap != nil {
			m.needConfigMap(doc, at+".configMap", v.ConfigMap.Name, "", v.ConfigMap.Optional)
		}
		if v.Secret != nil {
			m.needSecretKey(doc, at+".secret", v.Secret.SecretName, "", v.Secret.Optional)
		}
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		m.checkContainer(doc, c, fmt.Sprintf("%s.spec.initContainers[%d]", path, i), volumes, false)
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		m.checkContainer(doc, c, fmt.Sprintf("%s.spec.containers[%d]", path, i), volumes, true)
	}
	if len(spec.Containers) == 0 {
		m.report(doc, "%s.spec.containers: none", path)
	}
}

func (m *manifest) checkContainer(doc document, c *corev1.Container, at string, volumes map[string]bool, serving bool) {
	at = fmt.Sprintf("%s (%s)", at, c.Name)
	for _, msg := range validation.IsDNS1123Label(c.Name) {
		m.report(doc, "%s.name: %s", at, msg)
	}
	if c.Image == "" {
		m.report(doc, "%s.image: missing", at)
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		if p.Name != "" {
			ports[p.Name] = p.ContainerPort
		}
		for _, msg := range validation.IsValidPortNum(int(p.ContainerPort)) {
			m.report(doc, "%s.ports %q: %s", at, p.Name, msg)
		}
	}
	if serving {
		m.checkProbe(doc, at+".livenessProbe", c.LivenessProbe, ports)
		m.checkProbe(doc, at+".readinessProbe", c.ReadinessProbe, ports)
		if c.StartupProbe != nil {
			m.checkProbe(doc, at+".startupProbe", c.StartupProbe, ports)
		}
	}
	for _, resource := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[resource]; !ok {
			m.report(doc, "%s.resources.requests.%s: missing (the scheduler places pods by their requests)", at, resource)
		}
	}
	for name, limit := range c.Resources.Limits {
		if request, ok := c.Resources.Requests[name]; ok && request.Cmp(limit) > 0 {
			m.report(doc, "%s.resources: the %s request %s is above its limit %s", at, name, request.String(), limit.String())
		}
	}
	for i, env := range c.Env {
		for _, msg := range validation.IsEnvVarName(env.Name) {
			m.report(doc, "%s.env[%d] %q: %s", at, i, env.Name, msg)
		}
		if env.ValueFrom == nil && env.Value != "" && secretName.MatchString(env.Name) {
			m.report(doc, "%s.env %s: a credential written into the manifest; take it from a Secret (secretKeyRef)", at, env.Name)
		}
		if env.ValueFrom != nil && env.ValueFrom.ConfigMapKeyRef != nil {
			ref := env.ValueFrom.ConfigMapKeyRef
			m.needConfigMap(doc, fmt.Sprintf("%s.env %s", at, env.Name), ref.Name, ref.Key, ref.Optional)
		}
		if env.ValueFrom != nil && env.ValueFrom.SecretKeyRef != nil {
			ref := env.ValueFrom.SecretKeyRef
			m.needSecretKey(doc, fmt.Sprintf("%s.env %s", at, env.Name), ref.Name, ref.Key, ref.Optional)
		}
	}
	for i, from := range c.EnvFrom {
		if from.ConfigMapRef != nil {
			m.needConfigMap(doc, fmt.Sprintf("%s.envFrom[%d]", at, i), from.ConfigMapRef.Name, "", from.ConfigMapRef.Optional)
		}
		if from.SecretRef != nil {
			m.needSecretKey(doc, fmt.Sprintf("%s.envFrom[%d]", at, i), from.SecretRef.Name, "", from.SecretRef.Optional)
		}
	}
	for _, mount := range c.VolumeMounts {
		if !volumes[mount.Name] {
			m.report(doc, "%s.volumeMounts %q: no volume of that name in the pod", at, mount.Name)
		}
	}
}

func (m *manifest) checkProbe(doc document, at string, probe *corev1.Probe, ports map[string]int32) {
	if probe == nil {
		m.report(doc, "%s: missing (every service container has liveness and readiness probes)", at)
		return
	}
	var port *intstr.IntOrString
	switch {
	case probe.HTTPGet != nil:
		port = &probe.HTTPGet.Port
		if !strings.HasPrefix(probe.HTTPGet.Path, "/") {
			m.report(doc, "%s.httpGet.path %q: not an absolute path", at, probe.HTTPGet.Path)
		}
	case probe.TCPSocket != nil:
		port = &probe.TCPSocket.Port
	case probe.Exec != nil, probe.GRPC != nil:
	default:
		m.report(doc, "%s: no handler (httpGet, tcpSocket, exec or grpc)", at)
	}
	if port != nil {
		m.checkPortRef(doc, at, *port, ports)
	}
}

func (m *manifest) checkPortRef(doc document, at string, port intstr.IntOrString, ports map[string]int32) {
	if port.Type == intstr.String {
		if _, ok := ports[port.StrVal]; !ok {
			m.report(doc, "%s: port %q is not a named port of the container", at, port.StrVal)
		}
		return
	}
	for _, msg := range validation.IsValidPortNum(port.IntValue()) {
		m.report(doc, "%s: port %d: %s", at, port.IntValue(), msg)
	}
}

// A ConfigMap the chart refers to must be in the render: the pod would not start without it.
func (m *manifest) needConfigMap(doc document, at, name, key string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	cm, ok := m.configMaps[name]
	if !ok {
		m.report(doc, "%s: ConfigMap %q is not in the manifest", at, name)
		return
	}
	if _, ok := cm.Data[key]; key != "" && !ok {
		m.report(doc, "%s: ConfigMap %q has no key %q", at, name, key)
	}
}

// A Secret may be the user's own (existingSecret) and so absent; one the chart renders must have the key.
func (m *manifest) needSecretKey(doc document, at, name, key string, optional *bool) {
	secret, ok := m.secrets[name]
	if !ok || key == "" || (optional != nil && *optional) {
		return
	}
	_, inData := secret.Data[key]
	_, inString := secret.StringData[key]
	if !inData && !inString {
		m.report(doc, "%s: Secret %q has no key %q", at, name, key)
	}
}

func (m *manifest) checkService(doc document, s *corev1.Service) {
	if len(s.Spec.Selector) == 0 {
		m.report(doc, "spec.selector: empty (the Service would have no endpoints)")
		return
	}
	var pods []*corev1.PodTemplateSpec
	for _, other := range m.docs {
		if pod, _ := podTemplate(other.object); pod != nil && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			pods = append(pods, pod)
		}
	}
	if len(pods) == 0 {
		m.report(doc, "spec.selector %v selects no pod of the manifest", s.Spec.Selector)
		return
	}
	for i, p := range s.Spec.Ports {
		if p.TargetPort.Type != intstr.String {
			continue
		}
		for _, pod := range pods {
			if !namesPort(pod, p.TargetPort.StrVal) {
				m.report(doc, "spec.ports[%d].targetPort %q: not a named container port of the pods it selects", i, p.TargetPort.StrVal)
				break
			}
		}
	}
}

func namesPort(pod *corev1.PodTemplateSpec, name string) bool {
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func (m *manifest) checkAutoscaler(doc document, h *autoscalingv2.HorizontalPodAutoscaler) {
	ref := h.Spec.ScaleTargetRef
	var target *appsv1.Deployment
	for _, other := range m.docs {
		if d, ok := other.object.(*appsv1.Deployment); ok && ref.Kind == "Deployment" && d.Name == ref.Name {
			target = d
		}
	}
	if target == nil {
		m.report(doc, "spec.scaleTargetRef: no Deployment %q in the manifest", ref.Name)
		return
	}
	if h.Spec.MinReplicas != nil && *h.Spec.MinReplicas > h.Spec.MaxReplicas {
		m.report(doc, "spec.minReplicas %d is above spec.maxReplicas %d", *h.Spec.MinReplicas, h.Spec.MaxReplicas)
	}
	if target.Spec.Replicas != nil {
		m.report(doc, "Deployment %s sets spec.replicas: every helm upgrade would reset what the autoscaler chose", target.Name)
	}
	switch target.Labels[componentLabel] {
	case "monitor":
		m.report(doc, "scales the monitor, which must run as exactly one instance")
	case "ingest":
		if partitions, ok := m.partitions(&target.Spec.Template.Spec); ok && int(h.Spec.MaxReplicas) > partitions {
			m.report(doc, "spec.maxReplicas %d is more than KAFKA_TOPIC_PARTITIONS %d: the extra consumers get no partition", h.Spec.MaxReplicas, partitions)
		}
	}
}

// No credential in a ConfigMap: neither under a name that says so nor as the value of a Secret's
// credential (a key named like one: a user name or a sender address may rightly be in both).
func (m *manifest) checkConfigMap(doc document, cm *corev1.ConfigMap) {
	keys := make([]string, 0, len(cm.Data))
	for key := range cm.Data {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, msg := range validation.IsConfigMapKey(key) {
			m.report(doc, "data %q: %s", key, msg)
		}
		if secretName.MatchString(key) {
			m.report(doc, "data %q: a credential in a ConfigMap; it belongs in a Secret", key)
		}
		for name, secret := range m.secrets {
			for secretKey, value := range secretValues(secret) {
				if secretName.MatchString(secretKey) && len(value) >= 6 && strings.Contains(cm.Data[key], value) {
					m.report(doc, "data %q contains the value of Secret %s key %s", key, name, secretKey)
				}
			}
		}
	}
}

func secretValues(s *corev1.Secret) map[string]string {
	values := map[string]string{}
	for k, v := range s.Data {
		values[k] = string(v)
	}
	for k, v := range s.StringData {
		values[k] = v
	}
	return values
}
