export namespace model {
	
	export class About {
	    version: string;
	    kubeconfigFiles: string[];
	
	    static createFrom(source: any = {}) {
	        return new About(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.kubeconfigFiles = source["kubeconfigFiles"];
	    }
	}
	export class Action {
	    id: string;
	    title: string;
	    verb: string;
	    group?: string;
	    resource: string;
	    subresource?: string;
	    bulk?: boolean;
	    danger?: boolean;
	    confirmName?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Action(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.verb = source["verb"];
	        this.group = source["group"];
	        this.resource = source["resource"];
	        this.subresource = source["subresource"];
	        this.bulk = source["bulk"];
	        this.danger = source["danger"];
	        this.confirmName = source["confirmName"];
	    }
	}
	export class ActionObject {
	    name: string;
	    resourceVersion?: string;
	    uid?: string;
	    allowed: boolean;
	    reason?: string;
	    before?: string;
	    after?: string;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionObject(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.resourceVersion = source["resourceVersion"];
	        this.uid = source["uid"];
	        this.allowed = source["allowed"];
	        this.reason = source["reason"];
	        this.before = source["before"];
	        this.after = source["after"];
	        this.error = source["error"];
	    }
	}
	export class ActionOutcome {
	    name: string;
	    error?: string;
	    created?: string;
	    changed?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ActionOutcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.error = source["error"];
	        this.created = source["created"];
	        this.changed = source["changed"];
	    }
	}
	export class Revision {
	    revision: number;
	    replicaSet: string;
	    created: number;
	    images?: string[];
	    changeCause?: string;
	    current?: boolean;
	    diff?: string;
	
	    static createFrom(source: any = {}) {
	        return new Revision(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.revision = source["revision"];
	        this.replicaSet = source["replicaSet"];
	        this.created = source["created"];
	        this.images = source["images"];
	        this.changeCause = source["changeCause"];
	        this.current = source["current"];
	        this.diff = source["diff"];
	    }
	}
	export class DrainPod {
	    namespace: string;
	    name: string;
	    state: string;
	    reason?: string;
	    budget?: string;
	
	    static createFrom(source: any = {}) {
	        return new DrainPod(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.state = source["state"];
	        this.reason = source["reason"];
	        this.budget = source["budget"];
	    }
	}
	export class ActionPlan {
	    action: string;
	    kind: string;
	    namespace: string;
	    objects: ActionObject[];
	    impact?: string[];
	    children?: string[];
	    pods?: DrainPod[];
	    budgets?: string[];
	    revisions?: Revision[];
	    denied?: string;
	    dryRun?: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionPlan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.objects = this.convertValues(source["objects"], ActionObject);
	        this.impact = source["impact"];
	        this.children = source["children"];
	        this.pods = this.convertValues(source["pods"], DrainPod);
	        this.budgets = source["budgets"];
	        this.revisions = this.convertValues(source["revisions"], Revision);
	        this.denied = source["denied"];
	        this.dryRun = source["dryRun"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DrainOptions {
	    ignoreDaemonSets: boolean;
	    deleteEmptyDir: boolean;
	    force: boolean;
	    graceSeconds: number;
	    timeoutSeconds: number;
	    waitOnBudget: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DrainOptions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ignoreDaemonSets = source["ignoreDaemonSets"];
	        this.deleteEmptyDir = source["deleteEmptyDir"];
	        this.force = source["force"];
	        this.graceSeconds = source["graceSeconds"];
	        this.timeoutSeconds = source["timeoutSeconds"];
	        this.waitOnBudget = source["waitOnBudget"];
	    }
	}
	export class ActionRequest {
	    action: string;
	    kind: string;
	    namespace: string;
	    names: string[];
	    replicas?: number;
	    propagation?: string;
	    graceSeconds?: number;
	    revision?: number;
	    drain: DrainOptions;
	    observed?: Record<string, string>;
	    uids?: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new ActionRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.names = source["names"];
	        this.replicas = source["replicas"];
	        this.propagation = source["propagation"];
	        this.graceSeconds = source["graceSeconds"];
	        this.revision = source["revision"];
	        this.drain = this.convertValues(source["drain"], DrainOptions);
	        this.observed = source["observed"];
	        this.uids = source["uids"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ActionResult {
	    objects: ActionOutcome[];
	    drain?: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.objects = this.convertValues(source["objects"], ActionOutcome);
	        this.drain = source["drain"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class FieldConflict {
	    field: string;
	    manager: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new FieldConflict(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.field = source["field"];
	        this.manager = source["manager"];
	        this.message = source["message"];
	    }
	}
	export class ApplyResult {
	    index: number;
	    kind: string;
	    namespace?: string;
	    name: string;
	    state: string;
	    conflicts?: FieldConflict[];
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ApplyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.state = source["state"];
	        this.conflicts = this.convertValues(source["conflicts"], FieldConflict);
	        this.error = source["error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class FieldManager {
	    name: string;
	    operation: string;
	    subresource?: string;
	    time: number;
	
	    static createFrom(source: any = {}) {
	        return new FieldManager(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.operation = source["operation"];
	        this.subresource = source["subresource"];
	        this.time = source["time"];
	    }
	}
	export class FieldChange {
	    path: string;
	    old: string;
	    new: string;
	    hidden?: boolean;
	    cut?: boolean;
	    managers?: number[];
	
	    static createFrom(source: any = {}) {
	        return new FieldChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.old = source["old"];
	        this.new = source["new"];
	        this.hidden = source["hidden"];
	        this.cut = source["cut"];
	        this.managers = source["managers"];
	    }
	}
	export class ChangeEntry {
	    seq: number;
	    time: number;
	    op: string;
	    kind: string;
	    kindLabel: string;
	    namespace?: string;
	    name?: string;
	    uid?: string;
	    fields: FieldChange[];
	    moreFields?: number;
	    managers: FieldManager[];
	    gapFrom?: number;
	    gapTo?: number;
	    reason?: string;
	    note?: string;
	
	    static createFrom(source: any = {}) {
	        return new ChangeEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.time = source["time"];
	        this.op = source["op"];
	        this.kind = source["kind"];
	        this.kindLabel = source["kindLabel"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.uid = source["uid"];
	        this.fields = this.convertValues(source["fields"], FieldChange);
	        this.moreFields = source["moreFields"];
	        this.managers = this.convertValues(source["managers"], FieldManager);
	        this.gapFrom = source["gapFrom"];
	        this.gapTo = source["gapTo"];
	        this.reason = source["reason"];
	        this.note = source["note"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ChangeCompare {
	    entry: ChangeEntry;
	    now: string[];
	    exists: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ChangeCompare(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.entry = this.convertValues(source["entry"], ChangeEntry);
	        this.now = source["now"];
	        this.exists = source["exists"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ChangeFilter {
	    kind: string;
	    namespace: string;
	    manager: string;
	    path: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new ChangeFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.manager = source["manager"];
	        this.path = source["path"];
	        this.text = source["text"];
	    }
	}
	export class ChangeViewInfo {
	    id: string;
	    generation: number;
	    version: number;
	    count: number;
	    kept: number;
	    bytes: number;
	    budget: number;
	    dropped: number;
	    droppedUntil?: number;
	
	    static createFrom(source: any = {}) {
	        return new ChangeViewInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.count = source["count"];
	        this.kept = source["kept"];
	        this.bytes = source["bytes"];
	        this.budget = source["budget"];
	        this.dropped = source["dropped"];
	        this.droppedUntil = source["droppedUntil"];
	    }
	}
	export class ChangeWindow {
	    viewId: string;
	    generation: number;
	    version: number;
	    count: number;
	    offset: number;
	    entries: ChangeEntry[];
	    kept: number;
	    bytes: number;
	    budget: number;
	    dropped: number;
	    droppedUntil?: number;
	
	    static createFrom(source: any = {}) {
	        return new ChangeWindow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.viewId = source["viewId"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.count = source["count"];
	        this.offset = source["offset"];
	        this.entries = this.convertValues(source["entries"], ChangeEntry);
	        this.kept = source["kept"];
	        this.bytes = source["bytes"];
	        this.budget = source["budget"];
	        this.dropped = source["dropped"];
	        this.droppedUntil = source["droppedUntil"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Column {
	    id: string;
	    title: string;
	    type: string;
	    priority?: number;
	    health?: boolean;
	    wide?: boolean;
	    description?: string;
	    usage?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Column(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.type = source["type"];
	        this.priority = source["priority"];
	        this.health = source["health"];
	        this.wide = source["wide"];
	        this.description = source["description"];
	        this.usage = source["usage"];
	    }
	}
	export class Condition {
	    type: string;
	    status: string;
	    reason?: string;
	    message?: string;
	    lastTransition?: number;
	
	    static createFrom(source: any = {}) {
	        return new Condition(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	        this.lastTransition = source["lastTransition"];
	    }
	}
	export class Container {
	    name: string;
	    image: string;
	    init?: boolean;
	    ephemeral?: boolean;
	    ready: boolean;
	    state?: string;
	    restarts?: number;
	    ports?: string[];
	
	    static createFrom(source: any = {}) {
	        return new Container(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.image = source["image"];
	        this.init = source["init"];
	        this.ephemeral = source["ephemeral"];
	        this.ready = source["ready"];
	        this.state = source["state"];
	        this.restarts = source["restarts"];
	        this.ports = source["ports"];
	    }
	}
	export class ContextInfo {
	    name: string;
	    cluster: string;
	    server: string;
	    user: string;
	    namespace: string;
	    current: boolean;
	    valid: boolean;
	    problems?: string[];
	    execCommand?: string;
	    file: string;
	
	    static createFrom(source: any = {}) {
	        return new ContextInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.cluster = source["cluster"];
	        this.server = source["server"];
	        this.user = source["user"];
	        this.namespace = source["namespace"];
	        this.current = source["current"];
	        this.valid = source["valid"];
	        this.problems = source["problems"];
	        this.execCommand = source["execCommand"];
	        this.file = source["file"];
	    }
	}
	export class Desktop {
	    version: string;
	    settingsFile: string;
	    settingsProblem?: string;
	    logFile: string;
	    logProblem?: string;
	    path: string[];
	    pathSource: string;
	    pathProblem?: string;
	
	    static createFrom(source: any = {}) {
	        return new Desktop(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.settingsFile = source["settingsFile"];
	        this.settingsProblem = source["settingsProblem"];
	        this.logFile = source["logFile"];
	        this.logProblem = source["logProblem"];
	        this.path = source["path"];
	        this.pathSource = source["pathSource"];
	        this.pathProblem = source["pathProblem"];
	    }
	}
	export class SecretKey {
	    key: string;
	    size: number;
	
	    static createFrom(source: any = {}) {
	        return new SecretKey(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.size = source["size"];
	    }
	}
	export class Event {
	    type: string;
	    reason: string;
	    message: string;
	    count: number;
	    lastSeen: number;
	    source?: string;
	
	    static createFrom(source: any = {}) {
	        return new Event(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	        this.count = source["count"];
	        this.lastSeen = source["lastSeen"];
	        this.source = source["source"];
	    }
	}
	export class Table {
	    title: string;
	    columns: string[];
	    rows: string[][];
	
	    static createFrom(source: any = {}) {
	        return new Table(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.title = source["title"];
	        this.columns = source["columns"];
	        this.rows = source["rows"];
	    }
	}
	export class Field {
	    label: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Field(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.label = source["label"];
	        this.value = source["value"];
	    }
	}
	export class Row {
	    key: string;
	    kind: string;
	    name: string;
	    namespace?: string;
	    uid: string;
	    created: number;
	    labels?: Record<string, string>;
	    status?: string;
	    health: string;
	    images?: string[];
	    cells: string[];
	
	    static createFrom(source: any = {}) {
	        return new Row(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.namespace = source["namespace"];
	        this.uid = source["uid"];
	        this.created = source["created"];
	        this.labels = source["labels"];
	        this.status = source["status"];
	        this.health = source["health"];
	        this.images = source["images"];
	        this.cells = source["cells"];
	    }
	}
	export class Details {
	    row: Row;
	    annotations?: Record<string, string>;
	    summary: Field[];
	    tables?: Table[];
	    conditions: Condition[];
	    containers: Container[];
	    events: Event[];
	    related: Row[];
	    secretKeys?: SecretKey[];
	
	    static createFrom(source: any = {}) {
	        return new Details(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.row = this.convertValues(source["row"], Row);
	        this.annotations = source["annotations"];
	        this.summary = this.convertValues(source["summary"], Field);
	        this.tables = this.convertValues(source["tables"], Table);
	        this.conditions = this.convertValues(source["conditions"], Condition);
	        this.containers = this.convertValues(source["containers"], Container);
	        this.events = this.convertValues(source["events"], Event);
	        this.related = this.convertValues(source["related"], Row);
	        this.secretKeys = this.convertValues(source["secretKeys"], SecretKey);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class DrainStatus {
	    id: string;
	    generation: number;
	    node: string;
	    state: string;
	    message?: string;
	    pods: DrainPod[];
	    version: number;
	
	    static createFrom(source: any = {}) {
	        return new DrainStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.node = source["node"];
	        this.state = source["state"];
	        this.message = source["message"];
	        this.pods = this.convertValues(source["pods"], DrainPod);
	        this.version = source["version"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EditConflict {
	    path: string;
	    live: string;
	    yours: string;
	
	    static createFrom(source: any = {}) {
	        return new EditConflict(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.live = source["live"];
	        this.yours = source["yours"];
	    }
	}
	export class EditInfo {
	    id: string;
	    generation: number;
	    resourceVersion: string;
	    secret?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new EditInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.resourceVersion = source["resourceVersion"];
	        this.secret = source["secret"];
	    }
	}
	export class Rebase {
	    resourceVersion: string;
	    conflicts?: EditConflict[];
	
	    static createFrom(source: any = {}) {
	        return new Rebase(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.resourceVersion = source["resourceVersion"];
	        this.conflicts = this.convertValues(source["conflicts"], EditConflict);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EditResult {
	    state: string;
	    resourceVersion?: string;
	    rebase?: Rebase;
	
	    static createFrom(source: any = {}) {
	        return new EditResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.resourceVersion = source["resourceVersion"];
	        this.rebase = this.convertValues(source["rebase"], Rebase);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	
	
	export class Forward {
	    id: string;
	    generation: number;
	    kind: string;
	    namespace: string;
	    name: string;
	    port: string;
	    remotePort?: number;
	    pod?: string;
	    localPort?: number;
	    address?: string;
	    state: string;
	    message?: string;
	    connections: number;
	    totalConnections: number;
	    bytesIn: number;
	    bytesOut: number;
	    saved?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Forward(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.port = source["port"];
	        this.remotePort = source["remotePort"];
	        this.pod = source["pod"];
	        this.localPort = source["localPort"];
	        this.address = source["address"];
	        this.state = source["state"];
	        this.message = source["message"];
	        this.connections = source["connections"];
	        this.totalConnections = source["totalConnections"];
	        this.bytesIn = source["bytesIn"];
	        this.bytesOut = source["bytesOut"];
	        this.saved = source["saved"];
	    }
	}
	export class ForwardPort {
	    port: string;
	    number: number;
	    name?: string;
	    container?: string;
	    target?: string;
	
	    static createFrom(source: any = {}) {
	        return new ForwardPort(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.port = source["port"];
	        this.number = source["number"];
	        this.name = source["name"];
	        this.container = source["container"];
	        this.target = source["target"];
	    }
	}
	export class ForwardRequest {
	    kind: string;
	    namespace: string;
	    name: string;
	    port: string;
	    localPort?: number;
	
	    static createFrom(source: any = {}) {
	        return new ForwardRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.port = source["port"];
	        this.localPort = source["localPort"];
	    }
	}
	export class HelmResource {
	    apiVersion: string;
	    apiKind: string;
	    kind?: string;
	    namespace?: string;
	    name: string;
	    key: string;
	
	    static createFrom(source: any = {}) {
	        return new HelmResource(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.apiVersion = source["apiVersion"];
	        this.apiKind = source["apiKind"];
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.key = source["key"];
	    }
	}
	export class HelmValueLeaf {
	    path: string[];
	    display: string;
	    type: string;
	    size: number;
	
	    static createFrom(source: any = {}) {
	        return new HelmValueLeaf(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.display = source["display"];
	        this.type = source["type"];
	        this.size = source["size"];
	    }
	}
	export class HelmValues {
	    leaves: HelmValueLeaf[];
	    more?: number;
	
	    static createFrom(source: any = {}) {
	        return new HelmValues(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.leaves = this.convertValues(source["leaves"], HelmValueLeaf);
	        this.more = source["more"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HelmRevision {
	    revision: number;
	    status: string;
	    health: string;
	    updated: number;
	    chart: string;
	    appVersion: string;
	    description: string;
	    secret: string;
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new HelmRevision(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.revision = source["revision"];
	        this.status = source["status"];
	        this.health = source["health"];
	        this.updated = source["updated"];
	        this.chart = source["chart"];
	        this.appVersion = source["appVersion"];
	        this.description = source["description"];
	        this.secret = source["secret"];
	        this.problem = source["problem"];
	    }
	}
	export class HelmRelease {
	    name: string;
	    namespace: string;
	    revision: number;
	    history: HelmRevision[];
	    config: HelmValues;
	    computed: HelmValues;
	    notes: string;
	    notesCut?: boolean;
	    resources: HelmResource[];
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new HelmRelease(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.namespace = source["namespace"];
	        this.revision = source["revision"];
	        this.history = this.convertValues(source["history"], HelmRevision);
	        this.config = this.convertValues(source["config"], HelmValues);
	        this.computed = this.convertValues(source["computed"], HelmValues);
	        this.notes = source["notes"];
	        this.notesCut = source["notesCut"];
	        this.resources = this.convertValues(source["resources"], HelmResource);
	        this.problem = source["problem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	
	export class KindInfo {
	    id: string;
	    kind: string;
	    label: string;
	    nav: string;
	    apiGroup?: string;
	    version: string;
	    resource: string;
	    namespaced: boolean;
	    shortNames?: string[];
	    columns: Column[];
	    sortBy?: string;
	    desc?: boolean;
	    custom?: boolean;
	    unavailable?: string;
	    features?: string[];
	    usage?: string;
	    actions?: Action[];
	    hidden?: string;
	
	    static createFrom(source: any = {}) {
	        return new KindInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.label = source["label"];
	        this.nav = source["nav"];
	        this.apiGroup = source["apiGroup"];
	        this.version = source["version"];
	        this.resource = source["resource"];
	        this.namespaced = source["namespaced"];
	        this.shortNames = source["shortNames"];
	        this.columns = this.convertValues(source["columns"], Column);
	        this.sortBy = source["sortBy"];
	        this.desc = source["desc"];
	        this.custom = source["custom"];
	        this.unavailable = source["unavailable"];
	        this.features = source["features"];
	        this.usage = source["usage"];
	        this.actions = this.convertValues(source["actions"], Action);
	        this.hidden = source["hidden"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KindList {
	    generation: number;
	    version: number;
	    kinds: KindInfo[];
	
	    static createFrom(source: any = {}) {
	        return new KindList(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.kinds = this.convertValues(source["kinds"], KindInfo);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KindStatus {
	    kind: string;
	    state: string;
	    error?: string;
	    count: number;
	    namespaceCount?: number;
	    namespaces?: string[];
	
	    static createFrom(source: any = {}) {
	        return new KindStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.state = source["state"];
	        this.error = source["error"];
	        this.count = source["count"];
	        this.namespaceCount = source["namespaceCount"];
	        this.namespaces = source["namespaces"];
	    }
	}
	export class LogSpan {
	    text: string;
	    fg?: string;
	    bg?: string;
	    bold?: boolean;
	    dim?: boolean;
	    italic?: boolean;
	    underline?: boolean;
	    strike?: boolean;
	    inverse?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new LogSpan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.fg = source["fg"];
	        this.bg = source["bg"];
	        this.bold = source["bold"];
	        this.dim = source["dim"];
	        this.italic = source["italic"];
	        this.underline = source["underline"];
	        this.strike = source["strike"];
	        this.inverse = source["inverse"];
	    }
	}
	export class LogLine {
	    seq: number;
	    time: number;
	    pod: string;
	    container: string;
	    spans: LogSpan[];
	    json?: boolean;
	    truncated?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new LogLine(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.time = source["time"];
	        this.pod = source["pod"];
	        this.container = source["container"];
	        this.spans = this.convertValues(source["spans"], LogSpan);
	        this.json = source["json"];
	        this.truncated = source["truncated"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogMatches {
	    seqs: number[];
	    next: number;
	
	    static createFrom(source: any = {}) {
	        return new LogMatches(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seqs = source["seqs"];
	        this.next = source["next"];
	    }
	}
	export class LogQuery {
	    text: string;
	    regexp?: boolean;
	    caseSensitive?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new LogQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.regexp = source["regexp"];
	        this.caseSensitive = source["caseSensitive"];
	    }
	}
	export class LogSource {
	    pod: string;
	    container: string;
	    state: string;
	    message?: string;
	
	    static createFrom(source: any = {}) {
	        return new LogSource(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pod = source["pod"];
	        this.container = source["container"];
	        this.state = source["state"];
	        this.message = source["message"];
	    }
	}
	
	export class LogStatus {
	    id: string;
	    generation: number;
	    version: number;
	    statusVersion: number;
	    first: number;
	    next: number;
	    dropped: number;
	    bytes: number;
	    pods: number;
	    waiting?: string[];
	    notice?: string;
	    sources: LogSource[];
	
	    static createFrom(source: any = {}) {
	        return new LogStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.statusVersion = source["statusVersion"];
	        this.first = source["first"];
	        this.next = source["next"];
	        this.dropped = source["dropped"];
	        this.bytes = source["bytes"];
	        this.pods = source["pods"];
	        this.waiting = source["waiting"];
	        this.notice = source["notice"];
	        this.sources = this.convertValues(source["sources"], LogSource);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogTarget {
	    kind: string;
	    namespace: string;
	    name: string;
	    containers?: string[];
	    follow: boolean;
	    previous?: boolean;
	    sinceSeconds?: number;
	    sinceTime?: number;
	    tailLines?: number;
	
	    static createFrom(source: any = {}) {
	        return new LogTarget(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.containers = source["containers"];
	        this.follow = source["follow"];
	        this.previous = source["previous"];
	        this.sinceSeconds = source["sinceSeconds"];
	        this.sinceTime = source["sinceTime"];
	        this.tailLines = source["tailLines"];
	    }
	}
	export class LogWindow {
	    id: string;
	    generation: number;
	    version: number;
	    first: number;
	    next: number;
	    lines: LogLine[];
	
	    static createFrom(source: any = {}) {
	        return new LogWindow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.first = source["first"];
	        this.next = source["next"];
	        this.lines = this.convertValues(source["lines"], LogLine);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MetricsState {
	    state?: string;
	    message?: string;
	    at?: number;
	
	    static createFrom(source: any = {}) {
	        return new MetricsState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.at = source["at"];
	    }
	}
	export class MetricsStatus {
	    pods: MetricsState;
	    nodes: MetricsState;
	    version: number;
	    intervalSeconds: number;
	
	    static createFrom(source: any = {}) {
	        return new MetricsStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pods = this.convertValues(source["pods"], MetricsState);
	        this.nodes = this.convertValues(source["nodes"], MetricsState);
	        this.version = source["version"];
	        this.intervalSeconds = source["intervalSeconds"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class NodeShellPod {
	    namespace: string;
	    name: string;
	    node: string;
	    phase: string;
	    created: number;
	    openedBy?: string;
	    session?: string;
	    deleting?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new NodeShellPod(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.node = source["node"];
	        this.phase = source["phase"];
	        this.created = source["created"];
	        this.openedBy = source["openedBy"];
	        this.session = source["session"];
	        this.deleting = source["deleting"];
	    }
	}
	export class NodeShellLeftovers {
	    generation: number;
	    pods: NodeShellPod[];
	    scope: string;
	    more?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new NodeShellLeftovers(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.generation = source["generation"];
	        this.pods = this.convertValues(source["pods"], NodeShellPod);
	        this.scope = source["scope"];
	        this.more = source["more"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class NodeShellPlan {
	    id: string;
	    generation: number;
	    context: string;
	    user?: string;
	    node: string;
	    namespace: string;
	    pod: string;
	    image: string;
	    privileged: boolean;
	    hostPID: boolean;
	    hostNetwork: boolean;
	    hostIPC: boolean;
	    tolerations: string;
	    command: string[];
	    shell: string[];
	    labels: Record<string, string>;
	    annotations: Record<string, string>;
	    yaml: string;
	    warnings?: string[];
	
	    static createFrom(source: any = {}) {
	        return new NodeShellPlan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.context = source["context"];
	        this.user = source["user"];
	        this.node = source["node"];
	        this.namespace = source["namespace"];
	        this.pod = source["pod"];
	        this.image = source["image"];
	        this.privileged = source["privileged"];
	        this.hostPID = source["hostPID"];
	        this.hostNetwork = source["hostNetwork"];
	        this.hostIPC = source["hostIPC"];
	        this.tolerations = source["tolerations"];
	        this.command = source["command"];
	        this.shell = source["shell"];
	        this.labels = source["labels"];
	        this.annotations = source["annotations"];
	        this.yaml = source["yaml"];
	        this.warnings = source["warnings"];
	    }
	}
	
	export class Permission {
	    allowed: boolean;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new Permission(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.allowed = source["allowed"];
	        this.reason = source["reason"];
	    }
	}
	
	
	
	export class SavedLog {
	    path: string;
	    lines: number;
	
	    static createFrom(source: any = {}) {
	        return new SavedLog(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.lines = source["lines"];
	    }
	}
	
	export class SecretValue {
	    key: string;
	    value: string;
	    base64?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SecretValue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.value = source["value"];
	        this.base64 = source["base64"];
	    }
	}
	export class SessionStatus {
	    generation: number;
	    context: string;
	    server?: string;
	    phase: string;
	    message?: string;
	    kinds: KindStatus[];
	    kindsVersion: number;
	    namespace?: string;
	    watches: number;
	    lastChange?: number;
	    staleSince?: number;
	    metrics: MetricsStatus;
	
	    static createFrom(source: any = {}) {
	        return new SessionStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.generation = source["generation"];
	        this.context = source["context"];
	        this.server = source["server"];
	        this.phase = source["phase"];
	        this.message = source["message"];
	        this.kinds = this.convertValues(source["kinds"], KindStatus);
	        this.kindsVersion = source["kindsVersion"];
	        this.namespace = source["namespace"];
	        this.watches = source["watches"];
	        this.lastChange = source["lastChange"];
	        this.staleSince = source["staleSince"];
	        this.metrics = this.convertValues(source["metrics"], MetricsStatus);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class TerminalInfo {
	    id: string;
	    generation: number;
	    namespace: string;
	    pod: string;
	    container: string;
	    containers: string[];
	    command: string[];
	    node?: string;
	
	    static createFrom(source: any = {}) {
	        return new TerminalInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.namespace = source["namespace"];
	        this.pod = source["pod"];
	        this.container = source["container"];
	        this.containers = source["containers"];
	        this.command = source["command"];
	        this.node = source["node"];
	    }
	}
	export class TerminalTarget {
	    namespace: string;
	    pod: string;
	    container?: string;
	    command?: string[];
	    cols: number;
	    rows: number;
	
	    static createFrom(source: any = {}) {
	        return new TerminalTarget(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.namespace = source["namespace"];
	        this.pod = source["pod"];
	        this.container = source["container"];
	        this.command = source["command"];
	        this.cols = source["cols"];
	        this.rows = source["rows"];
	    }
	}
	export class Timeline {
	    generation: number;
	    entries: ChangeEntry[];
	    revisions: Revision[];
	    note?: string;
	    kept: number;
	    bytes: number;
	    budget: number;
	    dropped: number;
	    droppedUntil?: number;
	
	    static createFrom(source: any = {}) {
	        return new Timeline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.generation = source["generation"];
	        this.entries = this.convertValues(source["entries"], ChangeEntry);
	        this.revisions = this.convertValues(source["revisions"], Revision);
	        this.note = source["note"];
	        this.kept = source["kept"];
	        this.bytes = source["bytes"];
	        this.budget = source["budget"];
	        this.dropped = source["dropped"];
	        this.droppedUntil = source["droppedUntil"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UsagePoint {
	    t: number;
	    cpu: number;
	    memory: number;
	
	    static createFrom(source: any = {}) {
	        return new UsagePoint(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.t = source["t"];
	        this.cpu = source["cpu"];
	        this.memory = source["memory"];
	    }
	}
	export class UsageSeries {
	    name: string;
	    points: UsagePoint[];
	
	    static createFrom(source: any = {}) {
	        return new UsageSeries(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.points = this.convertValues(source["points"], UsagePoint);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UsageHistory {
	    state: MetricsState;
	    series: UsageSeries[];
	    windowSeconds: number;
	
	    static createFrom(source: any = {}) {
	        return new UsageHistory(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = this.convertValues(source["state"], MetricsState);
	        this.series = this.convertValues(source["series"], UsageSeries);
	        this.windowSeconds = source["windowSeconds"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class ViewInfo {
	    id: string;
	    generation: number;
	    version: number;
	    count: number;
	    synced: boolean;
	    removed?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ViewInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.count = source["count"];
	        this.synced = source["synced"];
	        this.removed = source["removed"];
	    }
	}
	export class ViewSpec {
	    kind: string;
	    namespace: string;
	    selector: string;
	    filter: string;
	    sortBy: string;
	    desc: boolean;
	    showHidden?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ViewSpec(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.selector = source["selector"];
	        this.filter = source["filter"];
	        this.sortBy = source["sortBy"];
	        this.desc = source["desc"];
	        this.showHidden = source["showHidden"];
	    }
	}
	export class Window {
	    viewId: string;
	    generation: number;
	    version: number;
	    count: number;
	    offset: number;
	    rows: Row[];
	
	    static createFrom(source: any = {}) {
	        return new Window(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.viewId = source["viewId"];
	        this.generation = source["generation"];
	        this.version = source["version"];
	        this.count = source["count"];
	        this.offset = source["offset"];
	        this.rows = this.convertValues(source["rows"], Row);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace settings {
	
	export class Changes {
	    maxMiB?: number;
	
	    static createFrom(source: any = {}) {
	        return new Changes(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.maxMiB = source["maxMiB"];
	    }
	}
	export class Logs {
	    maxLines?: number;
	    maxMiB?: number;
	
	    static createFrom(source: any = {}) {
	        return new Logs(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.maxLines = source["maxLines"];
	        this.maxMiB = source["maxMiB"];
	    }
	}
	export class Metrics {
	    intervalSeconds?: number;
	
	    static createFrom(source: any = {}) {
	        return new Metrics(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.intervalSeconds = source["intervalSeconds"];
	    }
	}
	export class NodeShell {
	    contexts?: Record<string, boolean>;
	    image?: string;
	    namespace?: string;
	
	    static createFrom(source: any = {}) {
	        return new NodeShell(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contexts = source["contexts"];
	        this.image = source["image"];
	        this.namespace = source["namespace"];
	    }
	}
	export class SavedForward {
	    kind: string;
	    namespace: string;
	    name: string;
	    port: string;
	    localPort?: number;
	
	    static createFrom(source: any = {}) {
	        return new SavedForward(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.namespace = source["namespace"];
	        this.name = source["name"];
	        this.port = source["port"];
	        this.localPort = source["localPort"];
	    }
	}
	export class Writes {
	    readOnly?: boolean;
	    readOnlyContexts?: Record<string, boolean>;
	
	    static createFrom(source: any = {}) {
	        return new Writes(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.readOnly = source["readOnly"];
	        this.readOnlyContexts = source["readOnlyContexts"];
	    }
	}
	export class Terminal {
	    fontSize?: number;
	
	    static createFrom(source: any = {}) {
	        return new Terminal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fontSize = source["fontSize"];
	    }
	}
	export class Window {
	    width?: number;
	    height?: number;
	    x?: number;
	    y?: number;
	    positionSaved?: boolean;
	    maximised?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Window(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.width = source["width"];
	        this.height = source["height"];
	        this.x = source["x"];
	        this.y = source["y"];
	        this.positionSaved = source["positionSaved"];
	        this.maximised = source["maximised"];
	    }
	}
	export class Settings {
	    lastContext?: string;
	    namespaces?: Record<string, string>;
	    window: Window;
	    theme?: string;
	    extraPath?: string[];
	    logs: Logs;
	    terminal: Terminal;
	    forwards?: Record<string, Array<SavedForward>>;
	    nodeShell: NodeShell;
	    writes: Writes;
	    changes: Changes;
	    metrics: Metrics;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.lastContext = source["lastContext"];
	        this.namespaces = source["namespaces"];
	        this.window = this.convertValues(source["window"], Window);
	        this.theme = source["theme"];
	        this.extraPath = source["extraPath"];
	        this.logs = this.convertValues(source["logs"], Logs);
	        this.terminal = this.convertValues(source["terminal"], Terminal);
	        this.forwards = this.convertValues(source["forwards"], Array<SavedForward>, true);
	        this.nodeShell = this.convertValues(source["nodeShell"], NodeShell);
	        this.writes = this.convertValues(source["writes"], Writes);
	        this.changes = this.convertValues(source["changes"], Changes);
	        this.metrics = this.convertValues(source["metrics"], Metrics);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	

}

