import { Injectable } from '@nestjs/common';
@Injectable()
export class X { constructor(public readonly a: string) {} }
