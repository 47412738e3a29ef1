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

}

