export { BUILTIN_ATTRIBUTES, isBuiltinAttribute, type BuiltinAttribute } from "./builtin";
export {
  attributeFields,
  currentAttributeValues,
  hasAttribute,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  readAttributeInput,
  type AttributeField,
  type AttributeInput,
} from "./fields";
export { profilingAttributes } from "./profiling";
export { AttributeInputs } from "./form";
