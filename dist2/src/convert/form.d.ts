import type { AcbGamma } from '../blocks/acb.js';
import { type ModelOptions } from '../models/index.js';
import type { Module } from '../nn/module.js';
import './acnet.js';
/** A form: the model transforms it records (keys added by each transform's module) and whether it is the deploy form. */
export interface ModelForm {
    /** Training-form blocks converted into their deploy modules. */
    deploy?: boolean;
    /**
     * The learned structure of every block that has one, by path, when the deploy form was made (a learned group
     * conv's condensation stage, a DGConv's gates: they fix the deploy widths and groups). Absent: the blocks' final
     * state (fully condensed, as the official converted CondenseNets) or the legacy fields below.
     */
    structure?: Record<string, unknown>;
    /** Written before form.structure (and still, for older readers): the learned group convs' condensation stage. */
    condenseStage?: number;
    /** Written before form.structure (and still, for older readers): every DGConv2d's binary gates, by path. */
    dgGates?: Record<string, number[]>;
}
/** 'base', 'deploy', or the name of the model transform the form records ('acb'). */
export type FormName = 'base' | 'deploy' | (string & {});
export declare function formName(form?: ModelForm): FormName;
/** Creates a registered model in the given form (the weights are fresh; load a state dict next). */
export declare function buildModel(name: string, options?: ModelOptions, form?: ModelForm): Module;
/**
 * A deploy-form copy of `model`: `build()` makes a fresh model of the same structure (same name, options
 * and form), which takes the model's weights and is converted. `model` itself is left as it is.
 */
export declare function deployedCopy(model: Module, build: () => Module): Module;
/** Parses a gamma option: a number, a fraction such as '1/3', or 'square'. */
export declare function parseAcbGamma(text: string): AcbGamma;
