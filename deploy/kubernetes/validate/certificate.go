package main

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// certificate is cert-manager's cert-manager.io/v1 Certificate, the fields the manifests may
// use (decoded strictly like every other kind; the whole cert-manager module would be a large
// dependency for one type). Its Secret holds tls.crt, tls.key and ca.crt.
type certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              certificateSpec `json:"spec"`
}

type certificateSpec struct {
	SecretName  string               `json:"secretName"`
	CommonName  string               `json:"commonName,omitempty"`
	DNSNames    []string             `json:"dnsNames,omitempty"`
	Duration    string               `json:"duration,omitempty"`
	RenewBefore string               `json:"renewBefore,omitempty"`
	Usages      []string             `json:"usages,omitempty"`
	IsCA        bool                 `json:"isCA,omitempty"`
	PrivateKey  *certificateKey      `json:"privateKey,omitempty"`
	IssuerRef   certificateIssuerRef `json:"issuerRef"`
}

type certificateKey struct {
	Algorithm      string `json:"algorithm,omitempty"`
	Size           int    `json:"size,omitempty"`
	RotationPolicy string `json:"rotationPolicy,omitempty"`
}

type certificateIssuerRef struct {
	Name  string `json:"name"`
	Kind  string `json:"kind,omitempty"`
	Group string `json:"group,omitempty"`
}

// certificateSecretKeys are the keys cert-manager writes into a Certificate's Secret.
var certificateSecretKeys = map[string]bool{"tls.crt": true, "tls.key": true, "ca.crt": true}

// checkCertificate: a Certificate names its Secret and an issuer, and covers some name.
func (c *checker) checkCertificate(o *object, t *certificate) {
	if t.Spec.SecretName == "" {
		c.fail(o, "names no secretName")
	}
	if t.Spec.IssuerRef.Name == "" {
		c.fail(o, "names no issuerRef")
	}
	if t.Spec.CommonName == "" && len(t.Spec.DNSNames) == 0 {
		c.fail(o, "covers no name (commonName or dnsNames)")
	}
}

// certificateFor is the Certificate whose Secret this is, in the same rendering, if any.
func (c *checker) certificateFor(namespace, secret string) *certificate {
	for _, o := range c.objects {
		if t, ok := o.typed.(*certificate); ok && o.namespace == namespace && t.Spec.SecretName == secret {
			return t
		}
	}
	return nil
}
