package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	udiff "github.com/aymanbagabas/go-udiff"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// RestartedAtAnnotation is the pod template annotation a rollout restart
// sets, as kubectl does: a changed template makes the controller replace
// every pod.
const RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"

// scale sets the replicas through the scale subresource, so that any
// kind with one (custom resources too) scales alike. The update carries
// the resourceVersion just read; a replica count other than the one the
// user saw is refused (ErrChanged).
func scale(ctx context.Context, c Clients, r Request, name string, dry bool) error {
	return retryConflict(func() error {
		s, err := c.resource(r).Get(ctx, name, metav1.GetOptions{}, "scale")
		if err != nil {
			return err
		}
		cur, _, _ := unstructured.NestedInt64(s.Object, "spec", "replicas")
		if saw := r.observed(name); saw != "" && saw != strconv.FormatInt(cur, 10) {
			return changed(name, saw+" replicas", strconv.FormatInt(cur, 10))
		}
		if err := unstructured.SetNestedField(s.Object, int64(r.Replicas), "spec", "replicas"); err != nil {
			return err
		}
		_, err = c.resource(r).Update(ctx, s, metav1.UpdateOptions{DryRun: opts(dry)}, "scale")
		return err
	})
}

// restart stamps the pod template, as kubectl rollout restart does.
func restart(ctx context.Context, c Clients, r Request, name string, dry bool) error {
	patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{RestartedAtAnnotation: time.Now().Format(time.RFC3339)},
	}}}})
	_, err := c.resource(r).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{DryRun: opts(dry)})
	return err
}

// remove deletes with the request's propagation and grace period. With
// the UID the plan saw, the delete carries it as a precondition: an object
// deleted and created again under the same name since is not deleted
// (ErrChanged).
func remove(ctx context.Context, c Clients, r Request, name string, dry bool) error {
	prop := metav1.DeletionPropagation(r.Propagation)
	o := metav1.DeleteOptions{PropagationPolicy: &prop, GracePeriodSeconds: r.GraceSeconds, DryRun: opts(dry)}
	saw := types.UID(r.UIDs[name])
	if saw != "" {
		o.Preconditions = &metav1.Preconditions{UID: &saw}
	}
	err := c.resource(r).Delete(ctx, name, o)
	if saw != "" && apierrors.IsConflict(err) {
		now := "another object"
		if u, gerr := c.resource(r).Get(ctx, name, metav1.GetOptions{}); gerr == nil {
			now = "another object (uid " + string(u.GetUID()) + ")"
		}
		return changed(name, "uid "+string(saw), now)
	}
	return err
}

// patchBool sets spec.<field> (a node's unschedulable, a CronJob's
// suspend). The patch carries the resourceVersion read with the value, so
// a change in between is a conflict, not an overwrite.
func patchBool(ctx context.Context, c Clients, r Request, name string, dry bool, field string, v bool) error {
	return retryConflict(func() error {
		u, err := c.resource(r).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		cur, _, _ := unstructured.NestedBool(u.Object, "spec", field)
		if saw := r.observed(name); saw != "" && saw != describeBool(field, cur) {
			return changed(name, saw, describeBool(field, cur))
		}
		patch, _ := json.Marshal(map[string]any{
			"metadata": map[string]any{"resourceVersion": u.GetResourceVersion()},
			"spec":     map[string]any{field: v},
		})
		_, err = c.resource(r).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{DryRun: opts(dry)})
		return err
	})
}

// describeBool is how a plan shows the field's value (ActionObject.Before).
func describeBool(field string, v bool) string {
	if field == "unschedulable" {
		return schedulable(!v)
	}
	return suspended(v)
}

// ManualJobAnnotation marks a Job created from a CronJob by hand, as
// kubectl create job --from=cronjob does.
const ManualJobAnnotation = "cronjob.kubernetes.io/instantiate"

// manualJobName is "<cronjob>-manual-<suffix>", the CronJob's name cut so
// that the whole stays a valid label value (63).
func manualJobName(cronjob, suffix string) string {
	const most = 63 - len("-manual-") - 5
	if len(cronjob) > most {
		cronjob = cronjob[:most]
	}
	return cronjob + "-manual-" + suffix
}

// runNow creates a Job from the CronJob's job template, owned by it.
func runNow(ctx context.Context, c Clients, ns, name string, dry bool) (string, error) {
	cj, err := c.Kube.BatchV1().CronJobs(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	annotations := map[string]string{ManualJobAnnotation: "manual"}
	for k, v := range cj.Spec.JobTemplate.Annotations {
		annotations[k] = v
	}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name: manualJobName(name, utilrand.String(5)), Namespace: ns,
			Labels: cj.Spec.JobTemplate.Labels, Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))},
		},
		Spec: cj.Spec.JobTemplate.Spec,
	}
	created, err := c.Kube.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{DryRun: opts(dry)})
	if err != nil {
		return "", err
	}
	return created.Name, nil
}

// RevisionAnnotation numbers a Deployment's rollouts on it and its
// ReplicaSets.
const RevisionAnnotation = "deployment.kubernetes.io/revision"

// history lists a Deployment's revisions (its ReplicaSets), newest first,
// each with its template's diff against the current one, and the current
// revision.
func history(ctx context.Context, c Clients, ns, name string) ([]model.Revision, int64, error) {
	d, err := c.Kube.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, 0, err
	}
	current, _ := strconv.ParseInt(d.Annotations[RevisionAnnotation], 10, 64)
	rss, err := c.Kube.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, 0, err
	}
	curText := templateText(d.Spec.Template)
	var out []model.Revision
	for i := range rss.Items {
		rs := &rss.Items[i]
		if ref := metav1.GetControllerOf(rs); ref == nil || ref.UID != d.UID {
			continue
		}
		n, err := strconv.ParseInt(rs.Annotations[RevisionAnnotation], 10, 64)
		if err != nil {
			continue
		}
		rev := model.Revision{Revision: n, ReplicaSet: rs.Name, Created: rs.CreationTimestamp.Unix(),
			ChangeCause: rs.Annotations["kubernetes.io/change-cause"], Current: n == current}
		for _, ctr := range rs.Spec.Template.Spec.Containers {
			rev.Images = append(rev.Images, ctr.Image)
		}
		if !rev.Current {
			rev.Diff = udiff.Unified("current (revision "+strconv.FormatInt(current, 10)+")", "revision "+strconv.FormatInt(n, 10),
				curText, templateText(rs.Spec.Template))
		}
		out = append(out, rev)
	}
	slices.SortFunc(out, func(a, b model.Revision) int { return int(b.Revision - a.Revision) })
	return out, current, nil
}

// rsTemplate is a ReplicaSet's pod template as its Deployment would carry
// it: without the pod-template-hash label the controller adds.
func rsTemplate(t corev1.PodTemplateSpec) corev1.PodTemplateSpec {
	t = *t.DeepCopy()
	delete(t.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	return t
}

func templateText(t corev1.PodTemplateSpec) string {
	b, err := yaml.Marshal(rsTemplate(t))
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// undoTarget is the revision an undo returns to: want, or the newest
// before the current one when want is 0.
func undoTarget(revs []model.Revision, want int64) *model.Revision {
	for i := range revs {
		r := &revs[i]
		if r.Current {
			continue
		}
		if want == 0 || r.Revision == want {
			return r
		}
	}
	return nil
}

// undo sets the Deployment's pod template to the chosen revision's, as
// kubectl rollout undo does. A Deployment whose revision is no longer the
// one the user saw is refused (ErrChanged).
func undo(ctx context.Context, c Clients, r Request, name string, dry bool) error {
	revs, current, err := history(ctx, c, r.Namespace, name)
	if err != nil {
		return err
	}
	if saw := r.observed(name); saw != "" && saw != strconv.FormatInt(current, 10) {
		return changed(name, "at revision "+saw, "at revision "+strconv.FormatInt(current, 10))
	}
	to := undoTarget(revs, r.Revision)
	if to == nil {
		return fmt.Errorf("deployment %s has no revision %d to return to", name, r.Revision)
	}
	rs, err := c.Kube.AppsV1().ReplicaSets(r.Namespace).Get(ctx, to.ReplicaSet, metav1.GetOptions{})
	if err != nil {
		return err
	}
	patch, err := json.Marshal([]map[string]any{{"op": "replace", "path": "/spec/template", "value": rsTemplate(rs.Spec.Template)}})
	if err != nil {
		return err
	}
	_, err = c.Kube.AppsV1().Deployments(r.Namespace).Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{DryRun: opts(dry)})
	return err
}

// dependents names the objects that owner references tie to u, through
// the kind's owned relations (a Deployment's ReplicaSets and their pods),
// at most limit.
func dependents(ctx context.Context, c Clients, k *kinds.Kind, u *unstructured.Unstructured, limit int) ([]string, error) {
	var out []string
	for _, rel := range k.Related {
		if !rel.Owned || len(out) >= limit {
			continue
		}
		child := kinds.Builtin(rel.Kind)
		if child == nil {
			continue
		}
		list, err := c.Dynamic.Resource(child.GVR).Namespace(u.GetNamespace()).List(ctx, metav1.ListOptions{})
		if err != nil {
			return out, err
		}
		for i := range list.Items {
			o := &list.Items[i]
			if !ownedBy(o, u.GetUID()) || len(out) >= limit {
				continue
			}
			out = append(out, child.APIKind+" "+o.GetName())
			more, err := dependents(ctx, c, child, o, limit-len(out))
			if err != nil {
				return out, err
			}
			out = append(out, more...)
		}
	}
	return out, nil
}

func ownedBy(o *unstructured.Unstructured, uid types.UID) bool {
	for _, ref := range o.GetOwnerReferences() {
		if ref.UID == uid {
			return true
		}
	}
	return false
}
