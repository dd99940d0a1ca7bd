// Command cobrowse-k8s-validate checks the Kubernetes manifests of deploy/kubernetes offline.
//
//	cobrowse-k8s-validate [-o rendered.json] <kustomization directory>
//
// It renders the kustomization with the kustomize library, as `kubectl apply -k` would (same
// load restrictions, no plugins), then checks every rendered object:
//
//   - it decodes strictly into its Go type, chosen by apiVersion and kind (k8s.io/api and the
//     prometheus-operator monitoring/v1 types, cert-manager's Certificate): an unknown field, a duplicated field, a field
//     of the wrong type or an unknown kind is an error;
//   - what refers to something else finds it in the same rendering: selectors of Services,
//     PodDisruptionBudgets, NetworkPolicies and ServiceMonitors select pods or Services, ports
//     named by probes, Services and ServiceMonitors exist, ConfigMaps and their keys exist, an
//     HPA's target exists and requests CPU (a Secret that is not rendered is only noted: it
//     may be created out of band);
//   - PrometheusRule groups and Grafana dashboards (ConfigMaps labelled grafana_dashboard: "1")
//     are well formed, and their expressions have balanced brackets and quotes.
//
// The rendered objects are printed as one JSON array (on stdout, or into the -o file) for the
// invariant checks of deploy/kubernetes/manifests.spec.ts. Problems go to stderr, one a line,
// and the exit code is 1; a usage error exits with 2.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kinds maps "apiVersion/kind" to a new value of its Go type. Anything else is refused.
var kinds = map[string]func() any{
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"v1/Namespace":                            func() any { return &corev1.Namespace{} },
	"v1/Secret":                               func() any { return &corev1.Secret{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                     func() any { return &appsv1.StatefulSet{} },
	"batch/v1/Job":                            func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PodMonitor":     func() any { return &monitoringv1.PodMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule": func() any { return &monitoringv1.PrometheusRule{} },
	"cert-manager.io/v1/Certificate":          func() any { return &certificate{} },
}

type object struct {
	apiVersion, kind, namespace, name string
	raw                               json.RawMessage
	typed                             any
}

func (o *object) String() string {
	if o.namespace != "" {
		return fmt.Sprintf("%s %s/%s", o.kind, o.namespace, o.name)
	}
	return fmt.Sprintf("%s %s", o.kind, o.name)
}

// workload is a pod template with its owner, for the checks that look for pods.
type workload struct {
	owner    *object
	template *corev1.PodTemplateSpec
	claims   []corev1.PersistentVolumeClaim
}

type checker struct {
	objects  []*object
	problems []string
	notes    []string
}

func (c *checker) fail(o *object, format string, args ...any) {
	prefix := ""
	if o != nil {
		prefix = o.String() + ": "
	}
	c.problems = append(c.problems, prefix+fmt.Sprintf(format, args...))
}

func (c *checker) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

func main() {
	out := flag.String("o", "", "write the rendered objects (a JSON array) to this file instead of stdout")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-o rendered.json] <kustomization directory>\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)

	rendered, err := render(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: kustomize build %s: %v\n", dir, err)
		os.Exit(1)
	}
	c := &checker{}
	c.decode(rendered)
	if len(c.problems) == 0 {
		// References are only followed between objects that decoded.
		c.crossCheck()
	}
	for _, n := range c.notes {
		fmt.Fprintf(os.Stderr, "note: %s\n", n)
	}
	if len(c.problems) > 0 {
		for _, p := range c.problems {
			fmt.Fprintf(os.Stderr, "error: %s\n", p)
		}
		fmt.Fprintf(os.Stderr, "%s: %d problem(s) in %d object(s)\n", dir, len(c.problems), len(c.objects))
		os.Exit(1)
	}
	array := make([]json.RawMessage, 0, len(c.objects))
	for _, o := range c.objects {
		array = append(array, o.raw)
	}
	text, err := json.MarshalIndent(array, "", "  ")
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	text = append(text, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(text)
	} else {
		err = os.WriteFile(*out, text, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%s: %d objects, valid\n", dir, len(c.objects))
}

// render runs kustomize as `kubectl apply -k` does: files only from within the kustomization's
// root, no plugins.
func render(dir string) ([]json.RawMessage, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for _, r := range m.Resources() {
		raw, err := r.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.GetKind(), r.GetName(), err)
		}
		out = append(out, raw)
	}
	return out, nil
}

// decode reads every object strictly into its Go type: case-sensitive field names, no unknown
// or duplicated fields.
func (c *checker) decode(rendered []json.RawMessage) {
	for _, raw := range rendered {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			c.fail(nil, "an object that is not a Kubernetes object: %v", err)
			continue
		}
		o := &object{apiVersion: head.APIVersion, kind: head.Kind, name: head.Metadata.Name, namespace: head.Metadata.Namespace, raw: raw}
		c.objects = append(c.objects, o)
		newValue, known := kinds[head.APIVersion+"/"+head.Kind]
		if !known {
			c.fail(o, "unknown apiVersion/kind %s/%s (the validator knows %s)", head.APIVersion, head.Kind, strings.Join(knownKinds(), ", "))
			continue
		}
		typed := newValue()
		strict, err := sigsjson.UnmarshalStrict(raw, typed, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
		if err != nil {
			c.fail(o, "does not decode as %s/%s: %v", head.APIVersion, head.Kind, err)
			continue
		}
		for _, e := range strict {
			c.fail(o, "%v", e)
		}
		if len(strict) > 0 {
			continue
		}
		if head.Metadata.Name == "" {
			c.fail(o, "metadata.name is empty")
		}
		o.typed = typed
	}
}

func knownKinds() []string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func (c *checker) find(kind, namespace, name string) *object {
	for _, o := range c.objects {
		if o.kind == kind && o.namespace == namespace && o.name == name && o.typed != nil {
			return o
		}
	}
	return nil
}

func (c *checker) workloads() []workload {
	var out []workload
	for _, o := range c.objects {
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			out = append(out, workload{owner: o, template: &t.Spec.Template})
		case *appsv1.StatefulSet:
			out = append(out, workload{owner: o, template: &t.Spec.Template, claims: t.Spec.VolumeClaimTemplates})
		case *batchv1.Job:
			out = append(out, workload{owner: o, template: &t.Spec.Template})
		}
	}
	return out
}

// selected returns the workloads in namespace whose pod labels the selector matches.
func (c *checker) selected(namespace string, selector labels.Selector) []workload {
	var out []workload
	for _, w := range c.workloads() {
		if w.owner.namespace == namespace && selector.Matches(labels.Set(w.template.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

func (c *checker) labelSelector(o *object, what string, s *metav1.LabelSelector) labels.Selector {
	if s == nil {
		c.fail(o, "%s is missing", what)
		return labels.Nothing()
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		c.fail(o, "%s: %v", what, err)
		return labels.Nothing()
	}
	return sel
}

func (c *checker) crossCheck() {
	namespaces := map[string]bool{}
	for _, o := range c.objects {
		if o.typed == nil {
			continue
		}
		if o.kind != "Namespace" {
			namespaces[o.namespace] = true
		}
		switch t := o.typed.(type) {
		case *appsv1.Deployment:
			c.checkSelectorMatchesTemplate(o, t.Spec.Selector, &t.Spec.Template)
			c.checkPodSpec(o, &t.Spec.Template.Spec, nil)
		case *appsv1.StatefulSet:
			c.checkSelectorMatchesTemplate(o, t.Spec.Selector, &t.Spec.Template)
			c.checkPodSpec(o, &t.Spec.Template.Spec, t.Spec.VolumeClaimTemplates)
			svc := c.find("Service", o.namespace, t.Spec.ServiceName)
			if svc == nil {
				c.fail(o, "serviceName %q is not a Service of this rendering", t.Spec.ServiceName)
			} else if s := svc.typed.(*corev1.Service); s.Spec.ClusterIP != corev1.ClusterIPNone {
				c.fail(o, "serviceName %q is not a headless Service (clusterIP: None)", t.Spec.ServiceName)
			}
		case *batchv1.Job:
			c.checkPodSpec(o, &t.Spec.Template.Spec, nil)
		case *corev1.Service:
			c.checkService(o, t)
		case *policyv1.PodDisruptionBudget:
			if t.Spec.MinAvailable == nil && t.Spec.MaxUnavailable == nil {
				c.fail(o, "sets neither minAvailable nor maxUnavailable")
			}
			if t.Spec.MinAvailable != nil && t.Spec.MaxUnavailable != nil {
				c.fail(o, "sets both minAvailable and maxUnavailable")
			}
			if len(c.selected(o.namespace, c.labelSelector(o, "spec.selector", t.Spec.Selector))) == 0 {
				c.fail(o, "its selector matches no pods of this rendering")
			}
		case *networkingv1.NetworkPolicy:
			if len(t.Spec.PodSelector.MatchLabels)+len(t.Spec.PodSelector.MatchExpressions) > 0 &&
				len(c.selected(o.namespace, c.labelSelector(o, "spec.podSelector", &t.Spec.PodSelector))) == 0 {
				c.fail(o, "its podSelector matches no pods of this rendering")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			c.checkHPA(o, t)
		case *monitoringv1.ServiceMonitor:
			c.checkServiceMonitor(o, t)
		case *monitoringv1.PrometheusRule:
			c.checkPrometheusRule(o, t)
		case *certificate:
			c.checkCertificate(o, t)
		case *corev1.ConfigMap:
			if t.Labels["grafana_dashboard"] == "1" {
				for key, text := range t.Data {
					c.checkDashboard(o, key, text)
				}
			}
		}
	}
	if len(namespaces) > 1 {
		names := make([]string, 0, len(namespaces))
		for n := range namespaces {
			names = append(names, fmt.Sprintf("%q", n))
		}
		sort.Strings(names)
		c.fail(nil, "objects are spread over several namespaces (%s): references are checked within one", strings.Join(names, ", "))
	}
}

func (c *checker) checkSelectorMatchesTemplate(o *object, s *metav1.LabelSelector, t *corev1.PodTemplateSpec) {
	if !c.labelSelector(o, "spec.selector", s).Matches(labels.Set(t.Labels)) {
		c.fail(o, "spec.selector does not match the pod template's labels %v", t.Labels)
	}
}

func (c *checker) checkPodSpec(o *object, spec *corev1.PodSpec, claims []corev1.PersistentVolumeClaim) {
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = true
		switch {
		case v.ConfigMap != nil:
			c.needConfigMap(o, v.ConfigMap.Name, itemKeys(v.ConfigMap.Items), v.ConfigMap.Optional)
		case v.Secret != nil:
			c.needSecret(o, v.Secret.SecretName, itemKeys(v.Secret.Items), v.Secret.Optional)
		case v.Projected != nil:
			for _, s := range v.Projected.Sources {
				if s.ConfigMap != nil {
					c.needConfigMap(o, s.ConfigMap.Name, itemKeys(s.ConfigMap.Items), s.ConfigMap.Optional)
				}
				if s.Secret != nil {
					c.needSecret(o, s.Secret.Name, itemKeys(s.Secret.Items), s.Secret.Optional)
				}
			}
		}
	}
	for _, claim := range claims {
		volumes[claim.Name] = true
	}
	if spec.ServiceAccountName != "" && spec.ServiceAccountName != "default" && c.find("ServiceAccount", o.namespace, spec.ServiceAccountName) == nil {
		c.fail(o, "serviceAccountName %q is not a ServiceAccount of this rendering", spec.ServiceAccountName)
	}
	all := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	if len(spec.Containers) == 0 {
		c.fail(o, "has no containers")
	}
	for i := range all {
		ct := &all[i]
		where := fmt.Sprintf("container %q", ct.Name)
		if ct.Image == "" {
			c.fail(o, "%s has no image", where)
		}
		for _, m := range ct.VolumeMounts {
			if !volumes[m.Name] {
				c.fail(o, "%s mounts volume %q, which the pod does not declare", where, m.Name)
			}
		}
		seen := map[string]bool{}
		for _, e := range ct.Env {
			if seen[e.Name] {
				c.fail(o, "%s sets %s twice", where, e.Name)
			}
			seen[e.Name] = true
			if e.ValueFrom == nil {
				continue
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
				c.needConfigMap(o, r.Name, []string{r.Key}, r.Optional)
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil {
				c.needSecret(o, r.Name, []string{r.Key}, r.Optional)
			}
		}
		for _, from := range ct.EnvFrom {
			if from.ConfigMapRef != nil {
				c.needConfigMap(o, from.ConfigMapRef.Name, nil, from.ConfigMapRef.Optional)
			}
			if from.SecretRef != nil {
				c.needSecret(o, from.SecretRef.Name, nil, from.SecretRef.Optional)
			}
		}
		probes := []struct {
			name  string
			probe *corev1.Probe
		}{{"startupProbe", ct.StartupProbe}, {"livenessProbe", ct.LivenessProbe}, {"readinessProbe", ct.ReadinessProbe}}
		for _, np := range probes {
			name, p := np.name, np.probe
			if p == nil {
				continue
			}
			switch {
			case p.HTTPGet != nil:
				c.needContainerPort(o, where+" "+name, ct, p.HTTPGet.Port)
			case p.TCPSocket != nil:
				c.needContainerPort(o, where+" "+name, ct, p.TCPSocket.Port)
			case p.GRPC != nil:
				c.needContainerPort(o, where+" "+name, ct, intstr.FromInt32(p.GRPC.Port))
			case p.Exec == nil:
				c.fail(o, "%s %s has no handler", where, name)
			}
		}
	}
}

func itemKeys(items []corev1.KeyToPath) []string {
	keys := make([]string, 0, len(items))
	for _, i := range items {
		keys = append(keys, i.Key)
	}
	return keys
}

func (c *checker) needConfigMap(o *object, name string, keys []string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	cm := c.find("ConfigMap", o.namespace, name)
	if cm == nil {
		c.fail(o, "uses ConfigMap %q, which is not in this rendering", name)
		return
	}
	t := cm.typed.(*corev1.ConfigMap)
	for _, k := range keys {
		_, inData := t.Data[k]
		_, inBinary := t.BinaryData[k]
		if !inData && !inBinary {
			c.fail(o, "uses key %q of ConfigMap %q, which has no such key", k, name)
		}
	}
}

func (c *checker) needSecret(o *object, name string, keys []string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	if cert := c.certificateFor(o.namespace, name); cert != nil {
		for _, k := range keys {
			if !certificateSecretKeys[k] {
				c.fail(o, "uses key %q of Secret %q, which its Certificate does not write", k, name)
			}
		}
		return
	}
	s := c.find("Secret", o.namespace, name)
	if s == nil {
		c.note("%s uses Secret %q, which this rendering does not create: it must exist in the cluster", o, name)
		return
	}
	t := s.typed.(*corev1.Secret)
	for _, k := range keys {
		_, inData := t.Data[k]
		_, inString := t.StringData[k]
		if !inData && !inString {
			c.fail(o, "uses key %q of Secret %q, which has no such key", k, name)
		}
	}
}

func hasContainerPort(ct *corev1.Container, port intstr.IntOrString) bool {
	for _, p := range ct.Ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return true
		}
	}
	return false
}

func (c *checker) needContainerPort(o *object, where string, ct *corev1.Container, port intstr.IntOrString) {
	if !hasContainerPort(ct, port) {
		c.fail(o, "%s probes port %s, which the container does not declare", where, port.String())
	}
}

func (c *checker) checkService(o *object, s *corev1.Service) {
	if len(s.Spec.Selector) == 0 {
		return
	}
	pods := c.selected(o.namespace, labels.SelectorFromSet(s.Spec.Selector))
	if len(pods) == 0 {
		c.fail(o, "its selector %v matches no pods of this rendering", s.Spec.Selector)
		return
	}
	for _, p := range s.Spec.Ports {
		target := p.TargetPort
		if target.Type == intstr.Int && target.IntVal == 0 {
			target = intstr.FromInt32(p.Port)
		}
		for _, w := range pods {
			found := false
			for i := range w.template.Spec.Containers {
				if hasContainerPort(&w.template.Spec.Containers[i], target) {
					found = true
				}
			}
			if !found {
				c.fail(o, "port %q targets %s, which no container of %s declares", p.Name, target.String(), w.owner)
			}
		}
	}
}

func (c *checker) checkHPA(o *object, h *autoscalingv2.HorizontalPodAutoscaler) {
	ref := h.Spec.ScaleTargetRef
	target := c.find(ref.Kind, o.namespace, ref.Name)
	if target == nil {
		c.fail(o, "scaleTargetRef %s %q is not in this rendering", ref.Kind, ref.Name)
		return
	}
	if target.apiVersion != ref.APIVersion {
		c.fail(o, "scaleTargetRef apiVersion %q, the target is %q", ref.APIVersion, target.apiVersion)
	}
	if h.Spec.MinReplicas != nil && *h.Spec.MinReplicas > h.Spec.MaxReplicas {
		c.fail(o, "minReplicas %d is above maxReplicas %d", *h.Spec.MinReplicas, h.Spec.MaxReplicas)
	}
	if len(h.Spec.Metrics) == 0 {
		c.fail(o, "has no metrics")
	}
	var template *corev1.PodTemplateSpec
	switch t := target.typed.(type) {
	case *appsv1.Deployment:
		template = &t.Spec.Template
	case *appsv1.StatefulSet:
		template = &t.Spec.Template
	default:
		c.fail(o, "scales a %s", target.kind)
		return
	}
	for _, m := range h.Spec.Metrics {
		if m.Type != autoscalingv2.ResourceMetricSourceType || m.Resource == nil {
			continue
		}
		for _, ct := range template.Spec.Containers {
			if _, ok := ct.Resources.Requests[m.Resource.Name]; !ok && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType {
				c.fail(o, "scales on %s utilization, but container %q of %s requests no %s", m.Resource.Name, ct.Name, target, m.Resource.Name)
			}
		}
	}
}

func (c *checker) checkServiceMonitor(o *object, sm *monitoringv1.ServiceMonitor) {
	if len(sm.Spec.NamespaceSelector.MatchNames) > 0 || sm.Spec.NamespaceSelector.Any {
		c.note("%s selects Services in other namespaces; only its own namespace is checked", o)
	}
	selector := c.labelSelector(o, "spec.selector", &sm.Spec.Selector)
	var services []*corev1.Service
	for _, s := range c.objects {
		if svc, ok := s.typed.(*corev1.Service); ok && s.namespace == o.namespace && selector.Matches(labels.Set(svc.Labels)) {
			services = append(services, svc)
		}
	}
	if len(services) == 0 {
		c.fail(o, "its selector matches no Service of this rendering")
		return
	}
	if len(sm.Spec.Endpoints) == 0 {
		c.fail(o, "has no endpoints")
	}
	for _, e := range sm.Spec.Endpoints {
		if e.Port == "" {
			c.fail(o, "an endpoint names no port (name the Service port)")
			continue
		}
		found := false
		for _, svc := range services {
			for _, p := range svc.Spec.Ports {
				if p.Name == e.Port {
					found = true
				}
			}
		}
		if !found {
			c.fail(o, "endpoint port %q is not a port of the Services it selects", e.Port)
		}
		if e.Interval != "" && !durationPattern.MatchString(string(e.Interval)) {
			c.fail(o, "endpoint interval %q is not a Prometheus duration", e.Interval)
		}
	}
}

// durationPattern is the CRD's pattern for monitoring.coreos.com durations.
var durationPattern = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

func (c *checker) checkPrometheusRule(o *object, r *monitoringv1.PrometheusRule) {
	if len(r.Spec.Groups) == 0 {
		c.fail(o, "has no rule groups")
	}
	groups := map[string]bool{}
	for _, g := range r.Spec.Groups {
		if g.Name == "" || groups[g.Name] {
			c.fail(o, "group name %q is empty or repeated", g.Name)
		}
		groups[g.Name] = true
		if len(g.Rules) == 0 {
			c.fail(o, "group %q has no rules", g.Name)
		}
		alerts := map[string]bool{}
		for _, rule := range g.Rules {
			name := rule.Alert + rule.Record
			where := fmt.Sprintf("group %q rule %q", g.Name, name)
			if (rule.Alert == "") == (rule.Record == "") {
				c.fail(o, "%s: a rule is either an alert or a record", where)
			}
			if rule.Alert != "" {
				if alerts[rule.Alert] {
					c.fail(o, "%s: alert repeated in its group", where)
				}
				alerts[rule.Alert] = true
				if rule.Annotations["summary"] == "" && rule.Annotations["description"] == "" {
					c.fail(o, "%s: an alert needs a summary or description annotation", where)
				}
				if rule.Labels["severity"] == "" {
					c.fail(o, "%s: an alert needs a severity label", where)
				}
			}
			expr := rule.Expr.String()
			if strings.TrimSpace(expr) == "" {
				c.fail(o, "%s: empty expr", where)
			} else if err := balanced(expr); err != nil {
				c.fail(o, "%s: expr %v", where, err)
			}
			if rule.For != nil && !durationPattern.MatchString(string(*rule.For)) {
				c.fail(o, "%s: for %q is not a Prometheus duration", where, *rule.For)
			}
		}
	}
}

// balanced checks brackets and quotes of a PromQL expression (no full parse: that would need
// the whole Prometheus module).
func balanced(expr string) error {
	var stack []rune
	closing := map[rune]rune{')': '(', ']': '[', '}': '{'}
	var quote rune
	escaped := false
	for i, r := range expr {
		if quote != 0 {
			switch {
			case escaped:
				escaped = false
			case r == '\\' && quote != '`':
				escaped = true
			case r == quote:
				quote = 0
			}
			continue
		}
		switch r {
		case '"', '\'', '`':
			quote = r
		case '(', '[', '{':
			stack = append(stack, r)
		case ')', ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != closing[r] {
				return fmt.Errorf("has an unmatched %q at offset %d", r, i)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if quote != 0 {
		return fmt.Errorf("has an unterminated %c string", quote)
	}
	if len(stack) > 0 {
		return fmt.Errorf("has an unclosed %q", stack[len(stack)-1])
	}
	return nil
}

// dashboard is the part of Grafana's dashboard JSON model the checks read.
type dashboard struct {
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion float64 `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         float64         `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	GridPos    *gridPos        `json:"gridPos"`
	Datasource json.RawMessage `json:"datasource"`
	Targets    []struct {
		Expr       string          `json:"expr"`
		Datasource json.RawMessage `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

type gridPos struct {
	H, W, X, Y *float64
}

func (c *checker) checkDashboard(o *object, key, text string) {
	where := fmt.Sprintf("dashboard %s", key)
	var d dashboard
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	if err := dec.Decode(&d); err != nil {
		c.fail(o, "%s is not JSON: %v", where, err)
		return
	}
	if dec.More() {
		c.fail(o, "%s has text after its JSON", where)
	}
	if d.Title == "" || d.UID == "" {
		c.fail(o, "%s needs a title and a uid", where)
	}
	if d.SchemaVersion < 30 {
		c.fail(o, "%s has schemaVersion %v (expected a current model, 30 or later)", where, d.SchemaVersion)
	}
	hasDatasourceVariable := false
	for _, v := range d.Templating.List {
		if v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus" {
			hasDatasourceVariable = true
		}
	}
	if !hasDatasourceVariable {
		c.fail(o, "%s needs a templating variable named datasource of type datasource with query prometheus", where)
	}
	if len(d.Panels) == 0 {
		c.fail(o, "%s has no panels", where)
	}
	ids := map[float64]bool{}
	var walk func(ps []panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			pw := fmt.Sprintf("%s panel %q", where, p.Title)
			if p.Type == "" {
				c.fail(o, "%s has no type", pw)
			}
			if ids[p.ID] {
				c.fail(o, "%s repeats id %v", pw, p.ID)
			}
			ids[p.ID] = true
			if g := p.GridPos; g == nil || g.H == nil || g.W == nil || g.X == nil || g.Y == nil {
				c.fail(o, "%s needs gridPos h, w, x and y", pw)
			} else if *g.X < 0 || *g.W < 1 || *g.X+*g.W > 24 || *g.H < 1 {
				c.fail(o, "%s has gridPos outside the 24-column grid", pw)
			}
			if p.Type != "row" {
				if !usesDatasourceVariable(p.Datasource) {
					c.fail(o, "%s must use the ${datasource} variable as its datasource", pw)
				}
				if len(p.Targets) == 0 && p.Type != "text" {
					c.fail(o, "%s has no targets", pw)
				}
			}
			for _, t := range p.Targets {
				if strings.TrimSpace(t.Expr) == "" {
					c.fail(o, "%s has a target without expr", pw)
				} else if err := balanced(t.Expr); err != nil {
					c.fail(o, "%s: expr %v", pw, err)
				}
				if len(t.Datasource) > 0 && !usesDatasourceVariable(t.Datasource) {
					c.fail(o, "%s has a target that does not use ${datasource}", pw)
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
}

func usesDatasourceVariable(raw json.RawMessage) bool {
	var ds struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	if json.Unmarshal(raw, &ds) != nil {
		return false
	}
	return ds.Type == "prometheus" && ds.UID == "${datasource}"
}
