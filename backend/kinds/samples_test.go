package kinds_test

import (
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"crowsnest/backend/kinds"
)

// samples are objects of every built-in kind as the cache holds them (and,
// for pods, as the API returns them), with fixed times so that rows made
// from them are the same every run (the frontend's contract fixture is made
// from the first of each).
var samples = map[kinds.ID][]any{}

// created is every sample's creation time.
var created = metav1.NewTime(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))

func objectMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("uid-" + name), ResourceVersion: "7",
		CreationTimestamp: created, Labels: map[string]string{"app": name}}
}

func ptr[T any](v T) *T { return &v }

// sampleUsage is what the samples of kinds with usage columns measure.
var sampleUsage = kinds.Usage{CPU: 75, Memory: 96 << 20}

func at(minutes int) *metav1.Time {
	t := metav1.NewTime(created.Add(time.Duration(minutes) * time.Minute))
	return &t
}

var podSpec = corev1.PodSpec{
	NodeName: "worker-1",
	Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}}},
		{Name: "sidecar", Image: "envoy:1.31", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}},
}

func init() {
	pod := &corev1.Pod{ObjectMeta: objectMeta("shop", "web-7d9c-abcde"), Spec: podSpec, Status: corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: "10.1.0.7", HostIP: "10.0.0.1", QOSClass: corev1.PodQOSBurstable,
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: created}},
		ContainerStatuses: []corev1.ContainerStatus{
			{Name: "web", Ready: true, RestartCount: 2, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
			{Name: "sidecar", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}},
		},
	}}
	samples[kinds.Pods] = []any{kinds.SummarizePod(pod, nil), pod}

	template := corev1.PodTemplateSpec{Spec: podSpec}
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	samples[kinds.Deployments] = []any{&appsv1.Deployment{ObjectMeta: objectMeta("shop", "web"),
		Spec:   appsv1.DeploymentSpec{Replicas: ptr(int32(3)), Selector: selector, Template: template, Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType}},
		Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}}}
	samples[kinds.ReplicaSets] = []any{&appsv1.ReplicaSet{ObjectMeta: objectMeta("shop", "web-7d9c"),
		Spec:   appsv1.ReplicaSetSpec{Replicas: ptr(int32(3)), Selector: selector, Template: template},
		Status: appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 3, AvailableReplicas: 3}}}
	samples[kinds.StatefulSets] = []any{&appsv1.StatefulSet{ObjectMeta: objectMeta("shop", "db"),
		Spec:   appsv1.StatefulSetSpec{Replicas: ptr(int32(2)), Selector: selector, Template: template, ServiceName: "db"},
		Status: appsv1.StatefulSetStatus{ReadyReplicas: 1}}}
	dsTemplate := template
	dsTemplate.Spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux"}
	samples[kinds.DaemonSets] = []any{&appsv1.DaemonSet{ObjectMeta: objectMeta("platform", "node-agent"),
		Spec:   appsv1.DaemonSetSpec{Selector: selector, Template: dsTemplate},
		Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 4, CurrentNumberScheduled: 4, NumberReady: 4, UpdatedNumberScheduled: 4, NumberAvailable: 4}}}
	samples[kinds.Jobs] = []any{&batchv1.Job{ObjectMeta: objectMeta("shop", "migrate"),
		Spec: batchv1.JobSpec{Completions: ptr(int32(1)), Template: template,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "uid-migrate"}}},
		Status: batchv1.JobStatus{Succeeded: 1, StartTime: at(0), CompletionTime: at(2),
			Conditions: []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}}}}
	samples[kinds.CronJobs] = []any{&batchv1.CronJob{ObjectMeta: objectMeta("shop", "report"),
		Spec: batchv1.CronJobSpec{Schedule: "*/5 * * * *", TimeZone: ptr("Europe/Berlin"),
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template}}},
		Status: batchv1.CronJobStatus{LastScheduleTime: at(5), Active: []corev1.ObjectReference{{Name: "report-1"}}}}}
	samples[kinds.Services] = []any{&corev1.Service{ObjectMeta: objectMeta("shop", "web"), Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.10", Selector: map[string]string{"app": "web"},
		Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP}}}}}
	samples[kinds.Ingresses] = []any{&networkingv1.Ingress{ObjectMeta: objectMeta("shop", "web"), Spec: networkingv1.IngressSpec{
		IngressClassName: ptr("nginx"),
		TLS:              []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com"}, SecretName: "shop-tls"}},
		Rules: []networkingv1.IngressRule{{Host: "shop.example.com", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
			Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: ptr(networkingv1.PathTypePrefix),
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}},
		Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "192.0.2.10"}}}}}}
	samples[kinds.ConfigMaps] = []any{&corev1.ConfigMap{ObjectMeta: objectMeta("shop", "web-config"), Data: map[string]string{"a": "1", "b": "2"}}}
	samples[kinds.Secrets] = []any{&metav1.PartialObjectMetadata{ObjectMeta: objectMeta("shop", "web-tls")}}
	latest := kinds.HelmRevision{ObjectMeta: objectMeta("shop", "sh.helm.release.v1.web.v3"), Release: "web", Revision: 3,
		Status: "deployed", Chart: "web", ChartVersion: "1.2.3", AppVersion: "4.5", Updated: created.Add(time.Hour),
		Description: "Upgrade complete"}
	samples[kinds.HelmReleases] = []any{
		&kinds.HelmRelease{ObjectMeta: objectMeta("shop", "web"), Latest: latest, Revisions: 3},
		&kinds.HelmRelease{ObjectMeta: objectMeta("payments", "ledger"), Revisions: 1,
			Latest: kinds.HelmRevision{ObjectMeta: objectMeta("payments", "sh.helm.release.v1.ledger.v1"), Release: "ledger", Revision: 1, Err: "not gzip: unexpected EOF"}},
	}
	samples[kinds.PersistentVolumeClaims] = []any{&corev1.PersistentVolumeClaim{ObjectMeta: objectMeta("shop", "data-db-0"),
		Spec: corev1.PersistentVolumeClaimSpec{VolumeName: "pv-1", StorageClassName: ptr("standard"), VolumeMode: ptr(corev1.PersistentVolumeFilesystem),
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}}}}
	samples[kinds.Nodes] = []any{&corev1.Node{ObjectMeta: objectMeta("", "worker-1"), Status: corev1.NodeStatus{
		Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.1"}},
		NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: "v1.37.2", OSImage: "Debian 12", KernelVersion: "6.1", ContainerRuntimeVersion: "containerd://2.0"},
		Capacity:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("16Gi"), corev1.ResourcePods: resource.MustParse("110")},
		Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3800m"), corev1.ResourceMemory: resource.MustParse("15Gi"),
			corev1.ResourcePods: resource.MustParse("110")},
	}}}
	samples[kinds.Nodes][0].(*corev1.Node).Labels["node-role.kubernetes.io/worker"] = ""
	samples[kinds.Namespaces] = []any{&corev1.Namespace{ObjectMeta: objectMeta("", "shop"), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}}
	samples[kinds.Events] = []any{&corev1.Event{ObjectMeta: objectMeta("shop", "web-7d9c-abcde.1800"),
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-7d9c-abcde", UID: "uid-web-7d9c-abcde"},
		Type:           corev1.EventTypeWarning, Reason: "BackOff", Message: "Back-off restarting failed container sidecar",
		Count: 4, LastTimestamp: *at(9), Source: corev1.EventSource{Component: "kubelet"}}}

	slice := &discoveryv1.EndpointSlice{ObjectMeta: objectMeta("shop", "web-x7k2p"), AddressType: discoveryv1.AddressTypeIPv4,
		Ports: []discoveryv1.EndpointPort{{Name: ptr("http"), Port: ptr(int32(8080)), Protocol: ptr(corev1.ProtocolTCP)}},
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.1.0.7"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr(true)}, NodeName: ptr("worker-1"),
				TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "shop", Name: "web-7d9c-abcde"}},
			{Addresses: []string{"10.1.0.8"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr(false), Terminating: ptr(true)}},
		}}
	slice.Labels[discoveryv1.LabelServiceName] = "web"
	samples[kinds.EndpointSlices] = []any{slice}
	nginxClass := &networkingv1.IngressClass{ObjectMeta: objectMeta("", "nginx"), Spec: networkingv1.IngressClassSpec{
		Controller: "k8s.io/ingress-nginx",
		Parameters: &networkingv1.IngressClassParametersReference{APIGroup: ptr("k8s.example.com"), Kind: "IngressParameters",
			Name: "external-lb", Scope: ptr(networkingv1.IngressClassParametersReferenceScopeCluster)}}}
	nginxClass.Annotations = map[string]string{networkingv1.AnnotationIsDefaultIngressClass: "true"}
	samples[kinds.IngressClasses] = []any{nginxClass,
		&networkingv1.IngressClass{ObjectMeta: objectMeta("", "internal"), Spec: networkingv1.IngressClassSpec{Controller: "traefik.io/ingress-controller"}}}
	samples[kinds.NetworkPolicies] = []any{
		&networkingv1.NetworkPolicy{ObjectMeta: objectMeta("shop", "web"), Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				{From: []networkingv1.NetworkPolicyPeer{
					{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "frontend"}}},
					{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "ops"}}},
				}, Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(8080))}, {Protocol: ptr(corev1.ProtocolUDP), Port: ptr(intstr.FromInt32(9000)), EndPort: ptr(int32(9100))}}},
				{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromString("metrics"))}}},
			},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"169.254.169.254/32"}}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(443))}},
			}},
		}},
		&networkingv1.NetworkPolicy{ObjectMeta: objectMeta("shop", "default-deny"), Spec: networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}},
	}
	quota := corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("2"), corev1.ResourceRequestsMemory: resource.MustParse("4Gi"),
		corev1.ResourceLimitsCPU: resource.MustParse("4"), corev1.ResourcePods: resource.MustParse("10")}
	samples[kinds.ResourceQuotas] = []any{&corev1.ResourceQuota{ObjectMeta: objectMeta("shop", "compute"),
		Spec: corev1.ResourceQuotaSpec{Hard: quota, Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotBestEffort}},
		Status: corev1.ResourceQuotaStatus{Hard: quota, Used: corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("500m"),
			corev1.ResourceRequestsMemory: resource.MustParse("1Gi"), corev1.ResourceLimitsCPU: resource.MustParse("1"), corev1.ResourcePods: resource.MustParse("3")}}}}
	samples[kinds.LimitRanges] = []any{&metav1.PartialObjectMetadata{ObjectMeta: objectMeta("shop", "defaults")},
		&corev1.LimitRange{ObjectMeta: objectMeta("shop", "defaults"), Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
			{Type: corev1.LimitTypeContainer,
				Min:            corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m")},
				Max:            corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
				DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
				Default:        corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")}},
			{Type: corev1.LimitTypePod, MaxLimitRequestRatio: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4")}},
		}}}}
	hpa := func(name, kind string) *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: objectMeta("shop", name), Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: kind, Name: name},
			MinReplicas:    ptr(int32(2)), MaxReplicas: 10,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(80))}}}},
		}}
	}
	web := hpa("web", "Deployment")
	web.Spec.Metrics = append(web.Spec.Metrics,
		autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("500Mi"))}}},
		autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: "packets-per-second"},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("1k"))}}},
		autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: "queue_length"},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: ptr(resource.MustParse("30"))}}},
	)
	web.Status = autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, DesiredReplicas: 3, LastScaleTime: at(30),
		CurrentMetrics: []autoscalingv2.MetricStatus{
			{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceCPU,
				Current: autoscalingv2.MetricValueStatus{AverageUtilization: ptr(int32(45)), AverageValue: ptr(resource.MustParse("90m"))}}},
			{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceMemory,
				Current: autoscalingv2.MetricValueStatus{AverageValue: ptr(resource.MustParse("300Mi"))}}},
			{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricStatus{Metric: autoscalingv2.MetricIdentifier{Name: "packets-per-second"},
				Current: autoscalingv2.MetricValueStatus{AverageValue: ptr(resource.MustParse("800"))}}},
			{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricStatus{Metric: autoscalingv2.MetricIdentifier{Name: "queue_length"},
				Current: autoscalingv2.MetricValueStatus{Value: ptr(resource.MustParse("12"))}}},
		},
		Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
			{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, Reason: "ReadyForNewScale"},
			{Type: autoscalingv2.ScalingActive, Status: corev1.ConditionTrue, Reason: "ValidMetricFound"},
		}}
	db := hpa("db", "StatefulSet")
	db.Status.Conditions = []autoscalingv2.HorizontalPodAutoscalerCondition{{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionFalse,
		Reason: "FailedGetScale", Message: `statefulsets.apps "db" not found`}}
	samples[kinds.HorizontalPodAutoscalers] = []any{web, db, hpa("web-7d9c", "ReplicaSet")}
	samples[kinds.PodDisruptionBudgets] = []any{
		&policyv1.PodDisruptionBudget{ObjectMeta: objectMeta("shop", "web"),
			Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr(intstr.FromInt32(2)), Selector: selector},
			Status: policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, ExpectedPods: 3,
				Conditions: []metav1.Condition{{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionTrue, Reason: policyv1.SufficientPodsReason, LastTransitionTime: created}}}},
		&policyv1.PodDisruptionBudget{ObjectMeta: objectMeta("shop", "db"),
			Spec:   policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr(intstr.FromString("0%")), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}},
			Status: policyv1.PodDisruptionBudgetStatus{CurrentHealthy: 2, DesiredHealthy: 2, ExpectedPods: 2}},
	}
	samples[kinds.PriorityClasses] = []any{
		&schedulingv1.PriorityClass{ObjectMeta: objectMeta("", "system-cluster-critical"), Value: 2000000000,
			PreemptionPolicy: ptr(corev1.PreemptLowerPriority), Description: "Used for system critical pods that must run in the cluster."},
		&schedulingv1.PriorityClass{ObjectMeta: objectMeta("", "batch-low"), Value: -10, GlobalDefault: true, PreemptionPolicy: ptr(corev1.PreemptNever)},
	}
	renewed := metav1.NewMicroTime(created.Add(9 * time.Minute))
	samples[kinds.Leases] = []any{&coordinationv1.Lease{ObjectMeta: objectMeta("kube-node-lease", "worker-1"), Spec: coordinationv1.LeaseSpec{
		HolderIdentity: ptr("worker-1"), LeaseDurationSeconds: ptr(int32(40)), RenewTime: &renewed, LeaseTransitions: ptr(int32(3))}}}
	podRules := []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}}}}
	injector := admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{
		Namespace: "mesh", Name: "injector", Path: ptr("/inject"), Port: ptr(int32(443))}}
	samples[kinds.MutatingWebhookConfigurations] = []any{&admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: objectMeta("", "sidecar-injector"),
		Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "inject.mesh.example.com", ClientConfig: injector, Rules: podRules,
			FailurePolicy: ptr(admissionregistrationv1.Fail), SideEffects: ptr(admissionregistrationv1.SideEffectClassNone),
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"mesh": "enabled"}}}}}}
	samples[kinds.ValidatingWebhookConfigurations] = []any{&admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: objectMeta("", "policy"),
		Webhooks: []admissionregistrationv1.ValidatingWebhook{
			{Name: "validate.policy.example.com", Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps", "batch"}, APIVersions: []string{"*"}, Resources: []string{"*"},
					Scope: ptr(admissionregistrationv1.NamespacedScope)}}},
				ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{
					Namespace: "policy", Name: "webhook", Port: ptr(int32(8443))}},
				FailurePolicy: ptr(admissionregistrationv1.Ignore), SideEffects: ptr(admissionregistrationv1.SideEffectClassNoneOnDryRun)},
			{Name: "audit.example.com", Rules: podRules, ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: ptr("https://audit.example.com/validate")},
				SideEffects: ptr(admissionregistrationv1.SideEffectClassNone)},
		}}}
	standard := &storagev1.StorageClass{ObjectMeta: objectMeta("", "standard"), Provisioner: "ebs.csi.aws.com",
		Parameters: map[string]string{"type": "gp3"}, AllowVolumeExpansion: ptr(true),
		VolumeBindingMode: ptr(storagev1.VolumeBindingWaitForFirstConsumer)}
	standard.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	samples[kinds.StorageClasses] = []any{standard, &storagev1.StorageClass{ObjectMeta: objectMeta("", "local"),
		Provisioner: "kubernetes.io/no-provisioner", ReclaimPolicy: ptr(corev1.PersistentVolumeReclaimRetain),
		AllowedTopologies: []corev1.TopologySelectorTerm{{MatchLabelExpressions: []corev1.TopologySelectorLabelRequirement{
			{Key: "topology.kubernetes.io/zone", Values: []string{"eu-1a", "eu-1b"}}}}}}}
	samples[kinds.PersistentVolumes] = []any{
		&corev1.PersistentVolume{ObjectMeta: objectMeta("", "pv-1"), Spec: corev1.PersistentVolumeSpec{
			Capacity:    corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			ClaimRef:         &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: "shop", Name: "data-db-0"},
			StorageClassName: "standard", VolumeAttributesClassName: ptr("gold"), VolumeMode: ptr(corev1.PersistentVolumeFilesystem),
			PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "ebs.csi.aws.com", VolumeHandle: "vol-0a1b"}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "topology.kubernetes.io/zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"eu-1a"}}}}}}}},
			Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound, LastPhaseTransitionTime: at(1)}},
		&corev1.PersistentVolume{ObjectMeta: objectMeta("", "pv-old"), Spec: corev1.PersistentVolumeSpec{
			Capacity:    corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRecycle,
			PersistentVolumeSource: corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nas.example.com", Path: "/exports/old"}}},
			Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeFailed, Reason: "VolumeFailedRecycle", Message: "recycler pod failed"}},
	}
	samples[kinds.ServiceAccounts] = []any{&corev1.ServiceAccount{ObjectMeta: objectMeta("shop", "web"),
		Secrets:                      []corev1.ObjectReference{{Name: "web-token"}},
		ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "registry"}},
		AutomountServiceAccountToken: ptr(false)}}
	samples[kinds.Roles] = []any{&metav1.PartialObjectMetadata{ObjectMeta: objectMeta("shop", "web-reader")},
		&rbacv1.Role{ObjectMeta: objectMeta("shop", "web-reader"), Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"configmaps", "secrets"}, ResourceNames: []string{"web-config"}, Verbs: []string{"get", "watch"}},
			{APIGroups: []string{"apps", "batch"}, Resources: []string{"deployments", "jobs"}, Verbs: []string{"get", "list"}},
		}}}
	samples[kinds.ClusterRoles] = []any{&metav1.PartialObjectMetadata{ObjectMeta: objectMeta("", "monitoring")},
		&rbacv1.ClusterRole{ObjectMeta: objectMeta("", "monitoring"),
			AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"rbac.example.com/aggregate-to-monitoring": "true"}}}},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"pods", "nodes"}, Verbs: []string{"get", "list", "watch"}},
				{NonResourceURLs: []string{"/metrics", "/healthz"}, Verbs: []string{"get"}},
			}}}
	samples[kinds.RoleBindings] = []any{
		&rbacv1.RoleBinding{ObjectMeta: objectMeta("shop", "web-reader"),
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "web-reader"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice@example.com"},
				{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "shop-devs"},
				{Kind: rbacv1.ServiceAccountKind, Name: "web"},
				{Kind: rbacv1.ServiceAccountKind, Name: "deployer", Namespace: "ci"}}},
		&rbacv1.RoleBinding{ObjectMeta: objectMeta("shop", "viewers"),
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "auditors"}}},
	}
	samples[kinds.ClusterRoleBindings] = []any{&rbacv1.ClusterRoleBinding{ObjectMeta: objectMeta("", "monitoring"),
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "monitoring"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "prometheus", Namespace: "monitoring"},
			{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "sre"}, {Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "bob@example.com"}}}}
	samples[kinds.CustomResourceDefinitions] = []any{databasesCRD(), clusterIssuersCRD()}
}

// databasesCRD is a namespaced CRD whose stored version has printer
// columns, subresources and status.conditions in its schema.
func databasesCRD() *apiextv1.CustomResourceDefinition {
	schema := &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{
		"spec": {Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{"engine": {Type: "string"}, "replicas": {Type: "integer"}}},
		"status": {Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{
			"phase":      {Type: "string"},
			"conditions": {Type: "array", Items: &apiextv1.JSONSchemaPropsOrArray{Schema: &apiextv1.JSONSchemaProps{Type: "object"}}},
		}},
	}}}
	crd := &apiextv1.CustomResourceDefinition{ObjectMeta: objectMeta("", "databases.data.crowsnest.io"), Spec: apiextv1.CustomResourceDefinitionSpec{
		Group: "data.crowsnest.io", Scope: apiextv1.NamespaceScoped,
		Names: apiextv1.CustomResourceDefinitionNames{Plural: "databases", Singular: "database", Kind: "Database", ListKind: "DatabaseList",
			ShortNames: []string{"db"}, Categories: []string{"all"}},
		Versions: []apiextv1.CustomResourceDefinitionVersion{
			{Name: "v1", Served: true, Storage: true, Schema: schema,
				Subresources: &apiextv1.CustomResourceSubresources{Status: &apiextv1.CustomResourceSubresourceStatus{},
					Scale: &apiextv1.CustomResourceSubresourceScale{SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas"}},
				AdditionalPrinterColumns: []apiextv1.CustomResourceColumnDefinition{
					{Name: "Engine", Type: "string", JSONPath: ".spec.engine"},
					{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`}}},
			{Name: "v1beta1", Served: true, Deprecated: true, DeprecationWarning: ptr("use v1"), Schema: schema},
			{Name: "v1alpha1", Schema: schema},
		},
		Conversion: &apiextv1.CustomResourceConversion{Strategy: apiextv1.WebhookConverter, Webhook: &apiextv1.WebhookConversion{
			ClientConfig: &apiextv1.WebhookClientConfig{CABundle: []byte("-----BEGIN CERTIFICATE-----"),
				Service: &apiextv1.ServiceReference{Namespace: "data-system", Name: "conversion"}},
			ConversionReviewVersions: []string{"v1"}}},
	}, Status: apiextv1.CustomResourceDefinitionStatus{StoredVersions: []string{"v1", "v1beta1"}, Conditions: []apiextv1.CustomResourceDefinitionCondition{
		{Type: apiextv1.NamesAccepted, Status: apiextv1.ConditionTrue, Reason: "NoConflicts", LastTransitionTime: created},
		{Type: apiextv1.Established, Status: apiextv1.ConditionTrue, Reason: "InitialNamesAccepted", LastTransitionTime: created},
	}}}
	return crd
}

// clusterIssuersCRD is a cluster-scoped CRD whose status is open to
// unknown fields and whose names clash with another CRD's.
func clusterIssuersCRD() *apiextv1.CustomResourceDefinition {
	return &apiextv1.CustomResourceDefinition{ObjectMeta: objectMeta("", "clusterissuers.certs.example.com"), Spec: apiextv1.CustomResourceDefinitionSpec{
		Group: "certs.example.com", Scope: apiextv1.ClusterScoped,
		Names: apiextv1.CustomResourceDefinitionNames{Plural: "clusterissuers", Singular: "clusterissuer", Kind: "ClusterIssuer"},
		Versions: []apiextv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true,
			Schema: &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &apiextv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextv1.JSONSchemaProps{
				"spec":   {Type: "object", XPreserveUnknownFields: ptr(true)},
				"status": {Type: "object", XPreserveUnknownFields: ptr(true)},
			}}}}},
	}, Status: apiextv1.CustomResourceDefinitionStatus{Conditions: []apiextv1.CustomResourceDefinitionCondition{
		{Type: apiextv1.NamesAccepted, Status: apiextv1.ConditionFalse, Reason: "KindConflict", Message: `"ClusterIssuer" is already in use`},
		{Type: apiextv1.Established, Status: apiextv1.ConditionFalse, Reason: "NotAccepted"},
	}}}
}
