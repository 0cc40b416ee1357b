/** Trace texts shared by the trace tests. */

/** The tiny complete example of loihi-trace-format.md, verbatim. */
export const TINY = `{
"format": "synfire-loihi-trace/1",
"name": "tiny", "description": "one source, one neuron, delay 1", "steps": 5,
"groups": [
  {"name":"n","size":1,"du":4095,"dv":4095,"vth":100,"bias_mant":[0],"bias_exp":0,"refractory":1}
],
"sources": [
  {"name":"in","size":1,"spikes":[[0,0]]}
],
"projections": [
  {"name":"in_n","from":"in","to":"n","weight_exp":0,"num_weight_bits":8,"sign_mode":"excitatory",
   "dense":{"weights":[[200]],"delays":1}}
],
"record_steps": [0,1,2,3,4],
"expected": {
  "spikes": {"n":[[2,0]]},
  "u": {"n":[[0],[0],[12800],[0],[0]]},
  "v": {"n":[[0],[0],[0],[0],[0]]}
}
}`;
