package kinds

import (
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	batchinformers "k8s.io/client-go/informers/batch/v1"

	"crowsnest/backend/model"
)

// The batch/v1 workloads: Jobs and CronJobs.
const (
	Jobs     ID = "jobs"
	CronJobs ID = "cronjobs"
)

func init() {
	register(&Kind{
		ID: Jobs, GVR: batchv1.SchemeGroupVersion.WithResource("jobs"), APIKind: "Job", Label: "Jobs",
		Nav: NavWorkloads, Rank: 60, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return batchinformers.NewJobInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn, StatusColumn("Status"),
			Col("completions", "Completions", model.TypeText, func(o *batchv1.Job) string {
				return ratio(o.Status.Succeeded, deref(o.Spec.Completions))
			}),
			Col("duration", "Duration", model.TypeDuration, jobDuration),
			AgeColumn,
			containersColumn(func(o *batchv1.Job) corev1.PodSpec { return o.Spec.Template.Spec }),
			imagesColumn(func(o *batchv1.Job) corev1.PodSpec { return o.Spec.Template.Spec }),
		},
		Status: statusAs(jobStatus),
		Images: imagesAs(func(o *batchv1.Job) []corev1.Container { return o.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *batchv1.Job, f *facts, d *model.Details) {
			f.add("Completions", ratio(o.Status.Succeeded, deref(o.Spec.Completions)))
			f.add("Parallelism", itoa(deref(o.Spec.Parallelism)))
			f.add("Active", itoa(o.Status.Active))
			f.add("Failed", itoa(o.Status.Failed))
			if o.Spec.BackoffLimit != nil {
				f.add("Backoff limit", itoa(*o.Spec.BackoffLimit))
			}
			f.add("Started", timeText(o.Status.StartTime))
			f.add("Completed", timeText(o.Status.CompletionTime))
			d.Conditions = conditions(o.Status.Conditions, func(c batchv1.JobCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
			d.Containers = templateContainers(o.Spec.Template.Spec)
		}),
		Related:     []Relation{{Kind: Pods, Owned: true}},
		PodSelector: selectedPods(func(o *batchv1.Job) *metav1.LabelSelector { return o.Spec.Selector }),
	})
	register(&Kind{
		ID: CronJobs, GVR: batchv1.SchemeGroupVersion.WithResource("cronjobs"), APIKind: "CronJob", Label: "CronJobs",
		Nav: NavWorkloads, Rank: 70, ShortNames: []string{"cj"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return batchinformers.NewCronJobInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("schedule", "Schedule", model.TypeText, func(o *batchv1.CronJob) string { return o.Spec.Schedule }),
			Col("timeZone", "Time zone", model.TypeText, func(o *batchv1.CronJob) string {
				if o.Spec.TimeZone == nil {
					return ""
				}
				return *o.Spec.TimeZone
			}, Priority(1)),
			StatusColumn("Status"),
			Col("active", "Active", model.TypeInteger, func(o *batchv1.CronJob) string { return strconv.Itoa(len(o.Status.Active)) }),
			Col("lastSchedule", "Last schedule", model.TypeTimestamp, func(o *batchv1.CronJob) string { return unix(o.Status.LastScheduleTime) }),
			AgeColumn,
			containersColumn(func(o *batchv1.CronJob) corev1.PodSpec { return o.Spec.JobTemplate.Spec.Template.Spec }),
			imagesColumn(func(o *batchv1.CronJob) corev1.PodSpec { return o.Spec.JobTemplate.Spec.Template.Spec }),
		},
		Status: statusAs(func(o *batchv1.CronJob) (string, string) {
			if o.Spec.Suspend != nil && *o.Spec.Suspend {
				return "Suspended", model.HealthNeutral
			}
			return "Scheduled", model.HealthOK
		}),
		Images: imagesAs(func(o *batchv1.CronJob) []corev1.Container { return o.Spec.JobTemplate.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *batchv1.CronJob, f *facts, d *model.Details) {
			f.add("Schedule", o.Spec.Schedule)
			if o.Spec.TimeZone != nil {
				f.add("Time zone", *o.Spec.TimeZone)
			}
			f.add("Suspended", yes(o.Spec.Suspend != nil && *o.Spec.Suspend))
			f.add("Concurrency policy", string(o.Spec.ConcurrencyPolicy))
			f.add("Last schedule", timeText(o.Status.LastScheduleTime))
			f.add("Last success", timeText(o.Status.LastSuccessfulTime))
			f.add("Active jobs", strconv.Itoa(len(o.Status.Active)))
			d.Containers = templateContainers(o.Spec.JobTemplate.Spec.Template.Spec)
		}),
		Related: []Relation{{Kind: Jobs, Owned: true}},
		Actions: []ActionSpec{ActRunNow, ActSuspend, ActResume},
	})
}

func jobStatus(j *batchv1.Job) (string, string) {
	status, health := "Running", model.HealthWarn
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			status, health = "Complete", model.HealthOK
		case batchv1.JobFailed:
			status, health = "Failed", model.HealthError
		case batchv1.JobSuspended:
			status, health = "Suspended", model.HealthNeutral
		}
	}
	return status, health
}

// jobDuration is how long the job ran, or has run so far when the row was
// made (rows are made again when the job changes).
func jobDuration(j *batchv1.Job) string {
	if j.Status.StartTime == nil {
		return ""
	}
	end := time.Now()
	if j.Status.CompletionTime != nil {
		end = j.Status.CompletionTime.Time
	}
	return end.Sub(j.Status.StartTime.Time).Round(time.Second).String()
}
