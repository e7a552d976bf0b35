// jstat ships no type declarations (and there is no @types/jstat); this declares the part coldbench uses.
declare module 'jstat' {
  const jstat: { jStat: { studentt: { inv(p: number, dof: number): number } } };
  export default jstat;
}
