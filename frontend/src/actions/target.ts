/** ActionTarget is what an action applies to: objects of one kind in one namespace. */
export interface ActionTarget {
  /** namespace of every object ('' for cluster-scoped kinds; several namespaces are refused). */
  namespace: string;
  names: string[];
  /** mixed is set when the objects are in more than one namespace. */
  mixed?: boolean;
}
